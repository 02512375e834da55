import type { ZodError } from "zod";
import type { FieldError, ProblemBody } from "../domain/problem";

/**
 * RFC 9457 problem details. Code throws `ProblemError`; one `onError` turns it into
 * `application/problem+json`. The set of problem types is closed so clients can switch on `type`.
 */
export const PROBLEM_TYPES = {
  "validation-failed": { status: 422, title: "The request has invalid fields" },
  "bad-request": { status: 400, title: "The request is malformed" },
  unauthorized: { status: 401, title: "Sign in or send an API key" },
  forbidden: { status: 403, title: "Your role does not allow this" },
  "not-found": { status: 404, title: "Not found" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "The request conflicts with the current state" },
  "illegal-transition": { status: 409, title: "That status change is not allowed from the current state" },
  "token-spent": { status: 409, title: "This invitation link has already been used" },
  "survey-unavailable": { status: 409, title: "This survey is not accepting responses" },
  gone: { status: 410, title: "This link has expired" },
  "payload-too-large": { status: 413, title: "The request body is too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported content type" },
  "rate-limited": { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Something went wrong on our side" },
  "organisation-moving": { status: 503, title: "This organisation is being moved to another database" },
  "webhook-receiver-unreachable": { status: 502, title: "The webhook receiver could not be reached" },
  "webhook-receiver-timeout": { status: 504, title: "The webhook receiver did not answer in time" },
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

export type { FieldError, ProblemBody };

export class ProblemError extends Error {
  readonly problemType: ProblemType;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly extensions?: Record<string, unknown>;

  constructor(
    problemType: ProblemType,
    detail: string,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.problemType = problemType;
    this.status = PROBLEM_TYPES[problemType].status;
    this.errors = options.errors;
    this.extensions = options.extensions;
  }
}

export function problemTypeUri(problemType: ProblemType): string {
  return `/problems/${problemType}`;
}

export function problemBody(error: ProblemError, instance?: string): ProblemBody {
  return {
    type: problemTypeUri(error.problemType),
    title: PROBLEM_TYPES[error.problemType].title,
    status: error.status,
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...(error.extensions ?? {}),
  };
}

export function problemResponse(error: ProblemError, instance?: string, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/problem+json; charset=utf-8");
  return new Response(JSON.stringify(problemBody(error, instance)), { status: error.status, headers: h });
}

/** Zod issues as field errors: `answers.sat_overall` rather than an array path. */
export function fieldErrorsFromZod(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const field = [prefix, path].filter(Boolean).join(".") || "(body)";
    return { field, code: issue.code, message: issue.message };
  });
}

export function validationProblem(errors: FieldError[], detail?: string): ProblemError {
  const names = [...new Set(errors.map((e) => e.field))];
  return new ProblemError(
    "validation-failed",
    detail ?? `Fix these fields and try again: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""}.`,
    { errors },
  );
}

export function notFound(what: string): ProblemError {
  return new ProblemError("not-found", `${what} was not found, or you do not have access to it.`);
}
