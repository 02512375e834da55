import { Hono } from "hono";
import type { AppEnv } from "../env";
import { seedDemo } from "../seed/demo";
import { seedDemoComplaints } from "../seed/complaints";
import { ProblemError } from "../lib/problem";

/**
 * Local development only: `npm start` calls POST /__dev/seed after wrangler dev is up. Disabled
 * unless APP_ENV is "development" and the caller knows the local DEMO_API_KEY (from .dev.vars).
 */
export const devRoutes = new Hono<AppEnv>().post("/__dev/seed", async (c) => {
  const key = c.env.DEMO_API_KEY;
  if (c.env.APP_ENV !== "development" || !key || c.req.header("x-seed-key") !== key) {
    throw new ProblemError("not-found", "No route matches this request.");
  }
  const db = c.get("db");
  const summary = await seedDemo(c.env, db, { seedComplaints: (ctx) => seedDemoComplaints(c.env, db, ctx) });
  return c.json(summary, 200);
});
