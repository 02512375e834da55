import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { INBOUND_EMAIL_LIMITS } from "../domain/email/attachments";
import { ProblemError } from "./problem";

/** Largest request body accepted anywhere: the 2 MB customer-list CSV import is the outlier (a survey answer set is a few KiB). */
export const MAX_BODY_BYTES = 2_200_000;
/** Public submit endpoints accept far less: 64 answers × 5,000 characters of text fit comfortably. */
export const MAX_PUBLIC_BODY_BYTES = 262_144;

/**
 * A staff reply with files (multipart, `POST /api/complaints/:id/replies`): the files' own cap (the same as a
 * customer's e-mail, checked per file by the route) plus the text and the multipart framing.
 */
export const MAX_REPLY_UPLOAD_BYTES = INBOUND_EMAIL_LIMITS.maxTotalAttachmentBytes + 100_000;

/** The API's body cap for this request: larger only for a staff reply that carries files. */
export function apiBodyLimit(c: Context<AppEnv>): number {
  const multipart = (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
  return multipart && /^\/api\/complaints\/[^/]+\/replies$/.test(c.req.path) ? MAX_REPLY_UPLOAD_BYTES : MAX_BODY_BYTES;
}

/** Rejects oversized bodies before they are read: Content-Length when sent, else a counted stream. */
export function bodySizeLimit(limit: number | ((c: Context<AppEnv>) => number)): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    const maxBytes = typeof limit === "number" ? limit : limit(c);
    const declared = Number(c.req.header("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > maxBytes) {
      throw new ProblemError("payload-too-large", `The body is ${declared} bytes; the limit here is ${maxBytes} bytes.`);
    }
    if (!Number.isFinite(declared) && c.req.raw.bodyUsed) {
      // An earlier middleware (the JSON depth check) already read the body into Hono's cache: measure that.
      const size = new TextEncoder().encode(await c.req.text()).byteLength;
      if (size > maxBytes) throw new ProblemError("payload-too-large", `The body is ${size} bytes; the limit here is ${maxBytes} bytes.`);
    } else if (!Number.isFinite(declared) && c.req.raw.body) {
      // No Content-Length (chunked): count a copy of the stream and stop reading at the limit, so a
      // huge body is never buffered whole (it would exhaust the isolate's memory before the check).
      const reader = c.req.raw.clone().body!.getReader();
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel();
          throw new ProblemError("payload-too-large", `The body is larger than the limit of ${maxBytes} bytes.`);
        }
      }
    }
    await next();
  };
}

/**
 * Security headers on every Worker response. Pages are rendered without inline scripts or styles,
 * so the CSP needs no 'unsafe-inline'.
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "strict-origin-when-cross-origin");
  h.set("strict-transport-security", "max-age=31536000; includeSubDomains");
  h.set("cross-origin-opener-policy", "same-origin");
  if (!h.has("content-security-policy")) {
    h.set(
      "content-security-policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
  }
  h.set("x-frame-options", "DENY");
};

/** Deepest JSON nesting accepted in a body; a survey definition (pages › items › options › labels, logic) needs about ten. */
export const MAX_JSON_DEPTH = 32;

/** The deepest `[`/`{` nesting of a JSON text (strings skipped), stopping early once past `limit`. */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) depth--;
  }
  return deepest;
}

/**
 * Refuses JSON bodies nested deeper than MAX_JSON_DEPTH on every route (our own, better-auth's), before
 * anything parses them: deep nesting costs recursion in every validator that walks the value. Runs
 * after the size cap, so the text it reads is bounded.
 */
export const jsonDepthLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  if (method === "GET" || method === "HEAD" || method === "OPTIONS" || !c.req.raw.body) return next();
  if (!/[/+]json\b/i.test(c.req.header("content-type") ?? "")) return next();
  // Through Hono's body cache, so the route's validator parses the same text instead of reading the
  // stream again (a clone tees the stream: a second read on every public submit). better-auth reads
  // the raw request itself, so its routes get a copy and keep their body unread.
  const text = c.req.path.startsWith("/api/auth/") ? await c.req.raw.clone().text() : await c.req.text();
  const depth = jsonNestingDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new ProblemError("bad-request", `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep; no Feedloop request needs that many.`);
  }
  await next();
};
