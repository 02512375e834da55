import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { seedDemo } from "../seed/demo";
import { seedDemoComplaints } from "../seed/complaints";
import { ProblemError } from "../lib/problem";
import { handleInboundEmail, type InboundMessage } from "../jobs/inbound-email";

/**
 * Local development only: `npm start` calls POST /__dev/seed after wrangler dev is up. Disabled
 * unless APP_ENV is "development" and the caller knows the local DEMO_API_KEY (from .dev.vars).
 */
function assertLocalDevelopment(c: Context<AppEnv>): void {
  const key = c.env.DEMO_API_KEY;
  if (c.env.APP_ENV !== "development" || !key || c.req.header("x-seed-key") !== key) {
    throw new ProblemError("not-found", "No route matches this request.");
  }
}

export const devRoutes = new Hono<AppEnv>()
  .post("/__dev/seed", async (c) => {
    assertLocalDevelopment(c);
    const db = c.get("db");
    const summary = await seedDemo(c.env, db, { seedComplaints: (ctx) => seedDemoComplaints(c.env, ctx) });
    return c.json(summary, 200);
  })
  /**
   * Hands a raw message to the email() handler, as Email Routing would. wrangler's own local endpoint
   * (/cdn-cgi/handler/email) does not reach a Worker that has [assets] in wrangler 4.86: the assets
   * proxy in front of it forwards fetch only. Same guard as the seed; `?from=&to=` are the envelope.
   */
  .post("/__dev/email", async (c) => {
    assertLocalDevelopment(c);
    const from = c.req.query("from") ?? "";
    const to = c.req.query("to") ?? "";
    if (!to) throw new ProblemError("bad-request", "Give the envelope as ?from=<sender>&to=<recipient> and the raw message as the body.");
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const headerSection = new TextDecoder("latin1").decode(raw.subarray(0, 64 * 1024)).split(/\r?\n\r?\n/)[0] ?? "";
    const headers = new Headers();
    for (const line of headerSection.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    let rejected: string | null = null;
    const message: InboundMessage = {
      from,
      to,
      raw: new Response(raw).body!,
      rawSize: raw.byteLength,
      headers,
      setReject: (reason) => {
        rejected = reason;
      },
    };
    const outcome = await handleInboundEmail(message, c.env, c.executionCtx);
    if (rejected !== null) throw new ProblemError("validation-failed", `Rejected: ${rejected}`);
    return c.json(outcome, 200);
  });
