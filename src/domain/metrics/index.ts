/**
 * Public surface of the metrics domain: pure functions over value histograms and
 * `{ sum, count }` accumulators.
 */
export * from "./histogram";
export * from "./intervals";
export * from "./scores";
export * from "./satisfaction";
export * from "./loyalty";
export * from "./servqual";
