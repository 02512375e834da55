/**
 * Thin fetch wrapper for the Feedloop API. Errors are RFC 9457 problem documents; they are thrown
 * as ApiError so forms can show `detail` and the per-field `errors` next to their fields.
 */
import type { FieldError, ProblemBody } from "../../../src/domain/problem";

export type { FieldError };
export type Problem = ProblemBody;

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.problem = problem;
  }
  /** The message for one field, matching either the exact name or its last path segment(s). */
  fieldError(field: string): string | undefined {
    const errors = this.problem.errors ?? [];
    const hit = errors.find((e) => e.field === field || e.field.endsWith(`.${field}`) || e.field === `body.${field}`);
    return hit?.message;
  }
}

type Unauthorized = () => void;
let onUnauthorized: Unauthorized = () => {};
/** The app shell registers what happens when a session expires (back to the sign-in page). */
export function setUnauthorizedHandler(handler: Unauthorized) {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
}

export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; query?: Query; signal?: AbortSignal; silent401?: boolean } = {},
): Promise<T> {
  const init: RequestInit = {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    credentials: "same-origin",
    headers: { accept: "application/json, application/problem+json" },
    signal: options.signal,
  };
  if (options.body instanceof FormData) {
    // Files go as multipart/form-data; the browser writes the boundary into the content type itself.
    init.body = options.body;
  } else if (options.body !== undefined) {
    (init.headers as Record<string, string>)["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), init);
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError({ type: "about:blank", title: "Network error", status: 0, detail: "The server could not be reached. Check your connection and try again." });
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get("content-type") ?? "";
  const body: unknown = type.includes("json") ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const problem: Problem =
      body && typeof body === "object" && "status" in body
        ? (body as Problem)
        : {
            type: "about:blank",
            title: res.statusText || "Error",
            status: res.status,
            detail: typeof body === "string" && body ? body.slice(0, 300) : (body as { message?: string } | null)?.message ?? `HTTP ${res.status}`,
          };
    if (res.status === 401 && !options.silent401) onUnauthorized();
    throw new ApiError(problem);
  }
  return body as T;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail || error.problem.title;
  if (error instanceof Error) return error.message;
  return String(error);
}
