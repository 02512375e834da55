/**
 * Outgoing e-mail as a real RFC 5322 message (built with `mimetext`): multipart/alternative text +
 * HTML, UTF-8 in base64 bodies and RFC 2047 encoded words for the subject and display names (so
 * Chinese survives every hop: the message itself is 7-bit ASCII), a Message-ID per message, and
 * the optional headers the channel needs: `Reply-To` (complaint threads, src/domain/email/addresses.ts),
 * `In-Reply-To`/`References` (threading) and `List-Unsubscribe` + `List-Unsubscribe-Post` (RFC 8058
 * one-click, survey mail).
 *
 * Pure: the caller hands in the time and the ids, the send itself is in src/jobs/email-sender.ts.
 */
import { createMimeMessage, Mailbox } from "mimetext/browser";

export type MailAddress = { address: string; name?: string | null };

export type OutboundEmail = {
  from: MailAddress;
  to: MailAddress;
  subject: string;
  text: string;
  /** Defaults to the text as simple HTML (textToHtml). */
  html?: string;
  /** Unique per message; the left part must be globally unique (e.g. the outbox row id). */
  messageId: { id: string; domain: string };
  date: Date;
  replyTo?: MailAddress | null;
  inReplyTo?: string | null;
  references?: string[];
  /** RFC 8058: an https URL that unsubscribes with a POST and no further interaction. */
  listUnsubscribeUrl?: string | null;
  language?: string | null;
};

export type BuiltEmail = {
  /** Envelope sender; equals the From header's address (Cloudflare refuses anything else). */
  from: string;
  /** Envelope recipient. */
  to: string;
  messageId: string;
  raw: string;
};

const HEADER_UNSAFE = /[\r\n\u0000]/;
const ADDRESS = /^[^\s@<>()",;:]+@[a-z0-9.-]+$/i;
const MESSAGE_ID_PART = /^[A-Za-z0-9._-]+$/;

function assertAddress(field: string, address: string): void {
  if (!ADDRESS.test(address)) throw new RangeError(`${field}: "${address}" is not a plain e-mail address`);
}

/** mimetext's mailbox input; the display name is sent as an RFC 2047 encoded word. */
function mailboxInput(field: string, address: MailAddress): { addr: string; name?: string } {
  assertAddress(field, address.address);
  const name = address.name?.replace(/\s+/g, " ").trim();
  return name ? { name, addr: address.address } : { addr: address.address };
}

/** RFC 2045 §6.8: base64 lines of at most 76 characters. */
function base64Body(text: string): string {
  const bytes = new TextEncoder().encode(text.replace(/\r?\n/g, "\r\n"));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/.{76}(?=.)/g, "$&\r\n");
}

export function formatMessageId(id: { id: string; domain: string }): string {
  if (!MESSAGE_ID_PART.test(id.id) || !MESSAGE_ID_PART.test(id.domain)) throw new RangeError(`not a usable Message-ID: ${id.id}@${id.domain}`);
  return `<${id.id}@${id.domain}>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Paragraphs and line breaks of the text, with http(s) links made clickable. */
export function textToHtml(text: string, language?: string | null): string {
  const paragraphs = text
    .replace(/\r\n/g, "\n")
    .split(/\n{2,}/)
    .map((paragraph) =>
      escapeHtml(paragraph)
        .replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`)
        .replace(/\n/g, "<br>\n"),
    )
    .map((paragraph) => `<p>${paragraph}</p>`)
    .join("\n");
  const lang = language && /^[A-Za-z-]{2,12}$/.test(language) ? ` lang="${language}"` : "";
  return `<!doctype html>\n<html${lang}><head><meta charset="utf-8"></head>\n<body style="font-family:system-ui,sans-serif;line-height:1.5">\n${paragraphs}\n</body></html>`;
}

export function buildEmail(input: OutboundEmail): BuiltEmail {
  for (const [field, value] of [["subject", input.subject], ["listUnsubscribeUrl", input.listUnsubscribeUrl ?? ""], ["inReplyTo", input.inReplyTo ?? ""]] as const) {
    if (HEADER_UNSAFE.test(value)) throw new RangeError(`${field} must be one line`);
  }
  const message = createMimeMessage();
  const messageId = formatMessageId(input.messageId);
  message.setSender(mailboxInput("from", input.from));
  message.setRecipient(mailboxInput("to", input.to));
  message.setSubject(input.subject);
  message.setHeader("Date", input.date.toUTCString().replace(/GMT$/, "+0000"));
  message.setHeader("Message-ID", messageId);
  if (input.replyTo) message.setHeader("Reply-To", new Mailbox(mailboxInput("replyTo", input.replyTo)));
  if (input.inReplyTo) message.setHeader("In-Reply-To", input.inReplyTo);
  if (input.references?.length) message.setHeader("References", input.references.join(" "));
  if (input.listUnsubscribeUrl) {
    if (!input.listUnsubscribeUrl.startsWith("https://") && !input.listUnsubscribeUrl.startsWith("http://")) {
      throw new RangeError("listUnsubscribeUrl must be an http(s) URL");
    }
    message.setHeader("List-Unsubscribe", `<${input.listUnsubscribeUrl}>`);
    message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
  if (input.language && /^[A-Za-z-]{2,12}$/.test(input.language)) message.setHeader("Content-Language", input.language);
  message.addMessage({ contentType: "text/plain", encoding: "base64", data: base64Body(input.text) });
  message.addMessage({ contentType: "text/html", encoding: "base64", data: base64Body(input.html ?? textToHtml(input.text, input.language)) });
  return { from: input.from.address, to: input.to.address, messageId, raw: message.asRaw() };
}
