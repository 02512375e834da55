/** Requests the JSON helper in lib/api.ts does not cover (CSV bodies, file downloads). */
import { ApiError, withQuery, type Problem, type Query } from "../../lib/api";
import { saveBlob } from "../../lib/csv";

/** True when the server has no such route (an endpoint this build of the API does not have yet). */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 405) && /no route matches/i.test(error.problem.detail ?? "");
}

async function problemFrom(res: Response): Promise<ApiError> {
  const type = res.headers.get("content-type") ?? "";
  const body: unknown = type.includes("json") ? await res.json().catch(() => null) : await res.text().catch(() => "");
  const problem: Problem =
    body && typeof body === "object" && "status" in body
      ? (body as Problem)
      : { type: "about:blank", title: res.statusText || "Error", status: res.status, detail: typeof body === "string" && body ? body.slice(0, 300) : `HTTP ${res.status}` };
  return new ApiError(problem);
}

/** POSTs a text body (e.g. text/csv) and reads a JSON answer; errors become ApiError like api(). */
export async function postText<T>(path: string, text: string, contentType: string, query?: Query): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": contentType, accept: "application/json, application/problem+json" },
      body: text,
    });
  } catch {
    throw new ApiError({ type: "about:blank", title: "Network error", status: 0, detail: "The server could not be reached. Check your connection and try again." });
  }
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()) as T;
}

/** Saves a file the browser already has in memory (no BOM: JSON tools reject one). */
export function saveFile(filename: string, text: string, type: string) {
  saveBlob(filename, new Blob([text], { type }));
}

export function readFile(file: File): Promise<string> {
  return file.text();
}
