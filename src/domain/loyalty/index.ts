/** The seed's loyalty model (seeds digest C2–C5, A7, A13 pitfall 5): stored statistics and formulas. */
export * from "./stats";
export * from "./formulas";
