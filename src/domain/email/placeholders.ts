/**
 * Bearer links in outgoing e-mail are rendered only at send time. The outbox stores the text with
 * these placeholders (staff can read the outbox; the privacy doc promises personal links are stored
 * nowhere), and src/jobs/email-sender.ts replaces them just before the message leaves.
 */
export const LINK_PLACEHOLDERS = {
  /** The complaint's status page with its secret (the customer's key to the case). */
  statusUrl: "@@STATUS_URL@@",
  /** The invitee's personal survey link (token derived at send time). */
  surveyLink: "@@SURVEY_LINK@@",
  /** The one-click unsubscribe page for this address. */
  unsubscribeUrl: "@@UNSUBSCRIBE_URL@@",
} as const;

export type LinkPlaceholder = keyof typeof LINK_PLACEHOLDERS;

const LABELS: Record<LinkPlaceholder, string> = {
  statusUrl: "[status link, added when sent]",
  surveyLink: "[personal survey link, added when sent]",
  unsubscribeUrl: "[unsubscribe link, added when sent]",
};

export function placeholdersIn(text: string): LinkPlaceholder[] {
  return (Object.keys(LINK_PLACEHOLDERS) as LinkPlaceholder[]).filter((key) => text.includes(LINK_PLACEHOLDERS[key]));
}

/** What staff see in the outbox: each placeholder named, no secret. */
export function describePlaceholders(text: string): string {
  let out = text;
  for (const key of Object.keys(LINK_PLACEHOLDERS) as LinkPlaceholder[]) out = out.split(LINK_PLACEHOLDERS[key]).join(LABELS[key]);
  return out;
}

/** The text as sent. Every placeholder in the text needs a value (a missing one is a bug, not a blank). */
export function renderPlaceholders(text: string, values: Partial<Record<LinkPlaceholder, string>>): string {
  let out = text;
  for (const key of placeholdersIn(text)) {
    const value = values[key];
    if (value === undefined) throw new Error(`no value for ${LINK_PLACEHOLDERS[key]}`);
    out = out.split(LINK_PLACEHOLDERS[key]).join(value);
  }
  return out;
}
