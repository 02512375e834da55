import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { isProductionEnv } from "../domain/deployment-config";
import { ProblemError } from "./problem";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** better-auth's session cookie, with or without the __Secure- prefix it gets behind https. */
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=/;
const LOCAL_ORIGIN = /^http:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?$/;

/**
 * SameSite=Lax alone lets a sibling subdomain post a body-less or text/plain request with the
 * staff cookie. A state change authenticated by that cookie must come from our own origin: a
 * trusted `Origin`, or `Sec-Fetch-Site: same-origin` where the browser sends no Origin. Requests
 * with an Authorization header cannot be forged cross-site (they need a CORS preflight), and
 * better-auth checks origins on /api/auth/* itself.
 */
export function requestTrustedForCookieAuth(
  request: { method: string; header: (name: string) => string | undefined },
  env: { PUBLIC_ORIGIN: string; APP_ENV?: string },
): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return true;
  if (request.header("authorization")) return true;
  if (!SESSION_COOKIE.test(request.header("cookie") ?? "")) return true;
  const origin = request.header("origin");
  if (origin) {
    if (origin === new URL(env.PUBLIC_ORIGIN).origin) return true;
    return !isProductionEnv(env.APP_ENV) && LOCAL_ORIGIN.test(origin);
  }
  return request.header("sec-fetch-site") === "same-origin";
}

export const csrfGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.path.startsWith("/api/auth/")) return next();
  if (!requestTrustedForCookieAuth({ method: c.req.method, header: (name) => c.req.header(name) }, c.env)) {
    throw new ProblemError(
      "forbidden",
      "This change was sent with your session cookie from another site. Send it from the Feedloop app itself (same origin), or use an API key in the Authorization header.",
    );
  }
  return next();
};
