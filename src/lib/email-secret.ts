import type { AppBindings } from "../env";
import { hmacSha256 } from "./hmac";

/**
 * The key of the signed complaint reply addresses (src/domain/email/addresses.ts), shared by the
 * outbound Reply-To and the inbound `email()` handler: EMAIL_THREAD_SECRET when set, else one
 * derived from BETTER_AUTH_SECRET under its own label, so a deployment has no second secret to
 * forget. Rotating the secret retires every reply address handed out (answers to them are then
 * refused with a hint to write to the organisation's complaint address).
 */
export async function emailThreadSecret(env: Pick<AppBindings, "BETTER_AUTH_SECRET"> & { EMAIL_THREAD_SECRET?: string }): Promise<string> {
  if (env.EMAIL_THREAD_SECRET) return env.EMAIL_THREAD_SECRET;
  if (!env.BETTER_AUTH_SECRET) throw new Error("BETTER_AUTH_SECRET (or EMAIL_THREAD_SECRET) is required to sign complaint reply addresses");
  const mac = await hmacSha256(env.BETTER_AUTH_SECRET, "feedloop/email-thread/v1");
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}
