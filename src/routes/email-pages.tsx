/**
 * Unsubscribe from survey e-mail: the link in every survey e-mail (and its List-Unsubscribe header).
 *
 * - GET shows a page with one button; it changes nothing (link scanners and previews follow GETs).
 * - POST unsubscribes: the page's button, and RFC 8058 one-click from the mail client
 *   (`List-Unsubscribe=One-Click` in the body, no cookies, no Origin).
 * The link is signed per organisation and address (src/lib/email-config.ts); a forged or altered
 * one is refused. Bilingual, like the survey e-mails.
 */
import { bindOrganisationShard } from "../auth/shard-binding";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { createRouter } from "../lib/openapi";
import { unsubscribeSignature } from "../lib/email-config";
import { suppressEmailAddress } from "../db/queries/email-suppression";
import { findOrganisation } from "../db/queries/organisation";
import { htmlDocument, MessagePage } from "./page-document";

const LinkQuery = z.object({ o: z.string().min(1).max(100), e: z.email().max(320), s: z.string().min(20).max(100) });

function page(c: Context<AppEnv>, title: string, body: preact.ComponentChildren, status: 200 | 400 = 200) {
  return c.body(htmlDocument({ kind: "survey", language: "en", title, body }), status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
}

function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The organisation and address of a valid link, or null. */
async function verifiedLink(c: Context<AppEnv>): Promise<{ organisationId: string; organisationName: string; email: string } | null> {
  const parsed = LinkQuery.safeParse(c.req.query());
  if (!parsed.success) return null;
  const email = parsed.data.e.trim().toLowerCase();
  if (!sameText(parsed.data.s, await unsubscribeSignature(c.env, parsed.data.o, email))) return null;
  const org = await findOrganisation(c.get("db"), { id: parsed.data.o });
  if (!org) return null;
  // The suppression list is the organisation's own data, in its shard.
  await bindOrganisationShard(c, org.id);
  return { organisationId: parsed.data.o, organisationName: org.name, email };
}

function invalid(c: Context<AppEnv>) {
  return page(
    c,
    "Invalid unsubscribe link",
    <MessagePage title="This unsubscribe link is not valid / 退订链接无效" message="Use the complete link from the e-mail. / 请使用邮件中的完整链接。" />,
    400,
  );
}

export const emailPageRoutes = createRouter()
  .get("/email/unsubscribe", async (c) => {
    const link = await verifiedLink(c);
    if (!link) return invalid(c);
    const action = new URL(c.req.url);
    return page(
      c,
      "Unsubscribe",
      <section class="message">
        <h1>Unsubscribe / 退订</h1>
        <p>
          Stop survey e-mails from {link.organisationName} to {link.email}? / 不再向 {link.email} 发送 {link.organisationName} 的调查邮件？
        </p>
        <form method="post" action={`${action.pathname}${action.search}`}>
          <button type="submit" class="button primary">
            Unsubscribe / 退订
          </button>
        </form>
      </section>,
    );
  })
  .post("/email/unsubscribe", async (c) => {
    const link = await verifiedLink(c);
    if (!link) return invalid(c);
    await suppressEmailAddress(c.get("db"), link.organisationId, link.email, "unsubscribed");
    return page(
      c,
      "Unsubscribed",
      <MessagePage
        title="You are unsubscribed / 已退订"
        message={`${link.organisationName} will send no more survey e-mails to ${link.email}. / ${link.organisationName} 将不再向 ${link.email} 发送调查邮件。`}
      />,
    );
  });
