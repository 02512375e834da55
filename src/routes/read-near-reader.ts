/**
 * Reads near the reader (issue 16): D1 read replication through the Sessions API. Public survey pages
 * and dashboards query through `env.DB.withSession(bookmark)`, so D1 may answer from a nearby read
 * replica, while the bookmark — the position in the database's history of the caller's last read or
 * write — travels with the person (cookie for browsers, `x-d1-bookmark` header for API clients): a
 * later request starts its session at that bookmark, and D1 answers it only from a copy at least that
 * recent, so a person always reads their own writes. Without a bookmark the session is
 * "first-unconstrained" (any copy). See docs/scaling.md "Reads near the reader".
 */
import type { MiddlewareHandler } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import type { AppEnv } from "../env";
import { bindShard } from "../auth/shard-binding";
import { sessionBookmarkOf } from "../db/client";

export const BOOKMARK_COOKIE = "fl_d1_bookmark";
export const BOOKMARK_HEADER = "x-d1-bookmark";
/** Which shard's database a bookmark belongs to (absent: shard 0); a bookmark of another database is never passed on. */
export const BOOKMARK_SHARD_HEADER = "x-d1-bookmark-shard";
/** D1 bookmarks are short opaque tokens of hex digits and dashes; anything else is ignored, never passed on. */
const BOOKMARK = /^[0-9a-zA-Z-]{1,128}$/;

export function validBookmark(value: string | undefined | null): string | null {
  return value && BOOKMARK.test(value) ? value : null;
}

/** One cookie per shard: a bookmark is a position in one database's history (shard 0 keeps the original name). */
const cookieName = (shard: number) => (shard === 0 ? BOOKMARK_COOKIE : `${BOOKMARK_COOKIE}_${shard}`);

export const readNearReader: MiddlewareHandler<AppEnv> = async (c, next) => {
  const headerBookmark = validBookmark(c.req.header(BOOKMARK_HEADER));
  const headerShard = Number(c.req.header(BOOKMARK_SHARD_HEADER) ?? "0");
  const bookmarkFor = (shard: number) => (headerShard === shard ? headerBookmark : null) ?? validBookmark(getCookie(c, cookieName(shard)));
  // The session itself is started by bindShard, on the shard known so far (and again if a staff route
  // learns a different one), so each request opens exactly the sessions it reads through.
  const reading: NonNullable<AppEnv["Variables"]["readSession"]> = { bookmarkFor, bookmark: null, session: null };
  c.set("readSession", reading);
  // A database object over a new session is cheap (the schema's relations are extracted once per
  // isolate, src/db/client.ts), so this stays off the submit's cost. A staff route that learns its
  // organisation later starts a new session on that organisation's shard (src/auth/shard-binding.ts).
  bindShard(c, c.get("shard"));
  await next();
  // Through the request's database client: it knows of a write another request's session carried.
  const latest = reading.session ? sessionBookmarkOf(c.get("db").$client) : null;
  if (latest && latest !== reading.bookmark) {
    const shard = c.get("shard");
    // On the finished response's own headers (as securityHeaders does): c.header() after the handler
    // copies the whole Response for each header it sets, which the V8 profile of the submit path showed.
    const headers = c.res.headers;
    headers.set(BOOKMARK_HEADER, latest);
    if (shard !== 0) headers.set(BOOKMARK_SHARD_HEADER, String(shard));
    headers.append(
      "set-cookie",
      generateCookie(cookieName(shard), latest, { path: "/", httpOnly: true, sameSite: "Lax", secure: new URL(c.req.url).protocol === "https:", maxAge: 60 * 60 }),
    );
  }
};
