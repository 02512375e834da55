/**
 * The shape of an RFC 9457 problem document as Feedloop sends it: the server builds it
 * (src/lib/problem.ts) and the web app reads it (web/src/lib/api.ts) — one definition for both.
 */
export type FieldError = { field: string; code: string; message: string };

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
};
