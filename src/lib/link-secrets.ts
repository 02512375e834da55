/**
 * Secrets of bearer links (complaint status pages, staff invitation accept links), derived as
 * HMAC-SHA256(LINK_SIGNING_SECRET, purpose + subject) instead of stored: an e-mail rendered later can
 * carry the link again, while the database holds at most a hash. The key is the links' own, not
 * better-auth's session secret, so rotating one does not touch the other and no value signed for
 * one protocol can be replayed in the other.
 */
import type { AppBindings } from "../env";
import { base64Url, hmacSha256 } from "./hmac";

export type LinkPurpose = "complaint-status" | "staff-invitation" | "export-download";

/** 43 url-safe characters (256 bits). */
export async function linkSecret(env: Pick<AppBindings, "LINK_SIGNING_SECRET">, purpose: LinkPurpose, subject: string): Promise<string> {
  if (!env.LINK_SIGNING_SECRET) throw new Error("LINK_SIGNING_SECRET is required to derive bearer links (npx wrangler secret put LINK_SIGNING_SECRET)");
  return base64Url(await hmacSha256(env.LINK_SIGNING_SECRET, `feedloop/${purpose}/v1:${subject}`));
}

/** Equal strings, compared without leaking how long a prefix matched. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * The accept link of a staff invitation, `/app/invite/<invitation id>.<secret>`: the id alone (which
 * staff lists show) accepts nothing. Built only where the e-mail is rendered for sending, so no stored
 * row and no API answer carries it; once accepted or canceled the invitation is no longer pending
 * and the link is spent.
 */
export async function staffInvitationAcceptUrl(env: Pick<AppBindings, "LINK_SIGNING_SECRET" | "PUBLIC_ORIGIN">, invitationId: string): Promise<string> {
  const origin = (env.PUBLIC_ORIGIN ?? "").replace(/\/+$/, "");
  return `${origin}/app/invite/${encodeURIComponent(invitationId)}.${await linkSecret(env, "staff-invitation", invitationId)}`;
}

/** The invitation id behind an accept link's `<id>.<secret>` token, or null when the secret is wrong. */
export async function staffInvitationIdFromToken(env: Pick<AppBindings, "LINK_SIGNING_SECRET">, token: string): Promise<string | null> {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  const expected = await linkSecret(env, "staff-invitation", id);
  return constantTimeEqual(token.slice(dot + 1), expected) ? id : null;
}

/** Stands for the accept link in the stored e-mail; replaced at send time (renderSendTimeLinks). */
export const ACCEPT_LINK_PLACEHOLDER = "[personal accept link, added when the e-mail is sent]";

/**
 * The e-mail text as it leaves: bearer links filled in only here, so the outbox staff can read holds
 * what was sent without any live secret.
 */
export async function renderSendTimeLinks(env: Pick<AppBindings, "LINK_SIGNING_SECRET" | "PUBLIC_ORIGIN">, payload: { text?: string; staffInvitationId?: string }): Promise<string> {
  const text = payload.text ?? "";
  if (!payload.staffInvitationId) return text;
  return text.replaceAll(ACCEPT_LINK_PLACEHOLDER, await staffInvitationAcceptUrl(env, payload.staffInvitationId));
}
