/** Sample planning, improvement-plan effects and benchmark comparisons (pure functions). */
export * from "./sample-size";
export * from "./period-comparison";
export * from "./group-sample";
export * from "./improvement-plan";
