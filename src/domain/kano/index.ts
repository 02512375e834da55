/** Kano feature analysis from answer-pair histograms (pure functions). */
export * from "./kano";
