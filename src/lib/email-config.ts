/**
 * Is e-mail configured, and with what. E-mail leaves only through the `EMAIL` send_email binding
 * (Cloudflare Email Service) from `EMAIL_FROM` on `EMAIL_DOMAIN`; without all three nothing pretends:
 * the outbox keeps e-mails pending, /healthz reports `email: "not configured"` and the staff app
 * shows a banner (README "E-mail").
 */
import type { AppBindings } from "../env";
import { parseEmailPacing } from "../domain/email/pacing";
import { base64Url, hmacSha256 } from "./hmac";

export type EmailConfig =
  | { configured: true; binding: SendEmail; domain: string; from: string }
  | { configured: false; reason: string };

const ADDRESS = /^[^\s@<>()",;:]+@([a-z0-9.-]+)$/i;

export function emailConfig(env: Pick<AppBindings, "EMAIL_DOMAIN" | "EMAIL_FROM"> & { EMAIL?: SendEmail }): EmailConfig {
  const domain = (env.EMAIL_DOMAIN ?? "").trim().toLowerCase();
  const from = (env.EMAIL_FROM ?? "").trim().toLowerCase();
  if (!env.EMAIL) return { configured: false, reason: "the EMAIL send_email binding is missing from wrangler.toml" };
  if (!domain) return { configured: false, reason: "EMAIL_DOMAIN is not set" };
  const match = ADDRESS.exec(from);
  if (!match) return { configured: false, reason: from ? `EMAIL_FROM "${from}" is not an e-mail address` : "EMAIL_FROM is not set" };
  if (match[1] !== domain && !match[1].endsWith(`.${domain}`)) {
    return { configured: false, reason: `EMAIL_FROM must be an address on EMAIL_DOMAIN (${domain})` };
  }
  return { configured: true, binding: env.EMAIL, domain, from };
}

function linkSecret(env: Pick<AppBindings, "BETTER_AUTH_SECRET">): string {
  if (!env.BETTER_AUTH_SECRET) throw new Error("BETTER_AUTH_SECRET is required to derive personal links");
  return env.BETTER_AUTH_SECRET;
}

/**
 * The token of a personal survey link that is sent by e-mail: derived from the server secret, the
 * invitation and its generation (0 for the invitation, n for the n-th re-issued reminder), so the
 * e-mail can render it at send time and the database holds only its SHA-256, as for random tokens.
 */
export async function invitationLinkToken(env: Pick<AppBindings, "BETTER_AUTH_SECRET">, invitationId: string, generation: number): Promise<string> {
  return base64Url(await hmacSha256(linkSecret(env), `feedloop/invitation-link/v1:${invitationId}:${generation}`));
}

/** The signature of an unsubscribe link for one address of one organisation. */
export async function unsubscribeSignature(env: Pick<AppBindings, "BETTER_AUTH_SECRET">, organisationId: string, email: string): Promise<string> {
  return base64Url(await hmacSha256(linkSecret(env), `feedloop/unsubscribe/v1:${organisationId}:${email.trim().toLowerCase()}`));
}

/** The outbox's e-mail pacing (src/domain/email/pacing.ts) from the deployment's vars. */
export function emailPacing(env: Pick<AppBindings, "EMAIL_SEND_LIMIT" | "EMAIL_SEND_INTERVAL_SECONDS">): { limit: number; intervalMs: number } {
  return parseEmailPacing({ limit: env.EMAIL_SEND_LIMIT, intervalSeconds: env.EMAIL_SEND_INTERVAL_SECONDS });
}
