/** Error codes for bad statistical input, so callers (API, CLI) can map them without parsing text. */
export type StatsInputErrorCode =
  | "UNKNOWN_ITEM"
  | "NON_FINITE_VALUE"
  | "NON_NUMERIC_VALUE"
  | "INVALID_MOMENTS"
  | "INVALID_CSV"
  | "INSUFFICIENT_DATA"
  | "ZERO_VARIANCE";

/** Raised for data that cannot be aggregated or turned into moments (not for model problems). */
export class StatsInputError extends Error {
  readonly code: StatsInputErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: StatsInputErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "StatsInputError";
    this.code = code;
    this.details = details;
  }
}
