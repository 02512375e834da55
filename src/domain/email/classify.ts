/**
 * What kind of message arrived: a person writing, an automatic reply, bulk mail, or a bounce.
 * Only a person's message may create a complaint or be answered; everything else is dropped
 * without a reply, which is what stops mail loops (RFC 3834 §2: never answer an automatic message).
 *
 * Signals, in order:
 * - bounce: a delivery status notification (RFC 3464: `multipart/report; report-type=delivery-status`
 *   or a `message/delivery-status` part), or a message from the null sender / a mailer-daemon;
 * - auto reply: `Auto-Submitted` other than `no` (RFC 3834), the vendor headers vacation responders
 *   set (`X-Autoreply`, `X-Autorespond`), or `Precedence: auto_reply`;
 * - bulk: `Precedence: bulk | junk | list`, or list traffic (`List-Id`, `List-Unsubscribe`).
 * Pure: a header lookup and the DSN text in, a verdict out.
 */

export type InboundKind =
  | { kind: "person" }
  | { kind: "auto_reply"; reason: string }
  | { kind: "bulk"; reason: string }
  | { kind: "bounce"; failedRecipients: FailedRecipient[] };

export type FailedRecipient = { address: string; status: string; diagnostic: string | null };

export type InboundSignals = {
  /** Header lookup, case-insensitive (Headers.get semantics). */
  header: (name: string) => string | null;
  /** SMTP envelope sender (MAIL FROM); empty or "<>" for a bounce. */
  envelopeFrom: string;
  /** Text of the `message/delivery-status` part, when the message has one. */
  deliveryStatus: string | null;
};

const MAILER_DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

export function classifyInboundMessage(signals: InboundSignals): InboundKind {
  const contentType = (signals.header("content-type") ?? "").toLowerCase();
  const envelope = signals.envelopeFrom.trim().replace(/^<|>$/g, "");
  const isReport = /multipart\/report/.test(contentType) && /report-type\s*=\s*"?delivery-status/.test(contentType);
  if (isReport || signals.deliveryStatus !== null || envelope === "" || MAILER_DAEMON.test(envelope)) {
    return { kind: "bounce", failedRecipients: signals.deliveryStatus ? failedRecipients(signals.deliveryStatus) : [] };
  }
  const autoSubmitted = signals.header("auto-submitted")?.trim().toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith("no")) return { kind: "auto_reply", reason: `Auto-Submitted: ${autoSubmitted}` };
  for (const name of ["x-autoreply", "x-autorespond", "x-autoresponder"]) {
    if (signals.header(name) !== null) return { kind: "auto_reply", reason: name };
  }
  const precedence = signals.header("precedence")?.trim().toLowerCase();
  if (precedence === "auto_reply") return { kind: "auto_reply", reason: "Precedence: auto_reply" };
  if (precedence && ["bulk", "junk", "list"].includes(precedence)) return { kind: "bulk", reason: `Precedence: ${precedence}` };
  if (signals.header("list-id") !== null || signals.header("list-unsubscribe") !== null) return { kind: "bulk", reason: "mailing-list headers" };
  return { kind: "person" };
}

/**
 * The recipients a DSN reports as failed (RFC 3464 §2.3: per-recipient blocks with
 * `Final-Recipient` and `Action: failed`, status 5.x.x). Delayed or relayed ones are not failures.
 */
export function failedRecipients(deliveryStatus: string): FailedRecipient[] {
  const blocks = deliveryStatus.replace(/\r\n/g, "\n").split(/\n\s*\n/);
  const out: FailedRecipient[] = [];
  for (const block of blocks) {
    const fields = new Map<string, string>();
    // Unfold continuation lines, then read "Name: value".
    for (const line of block.replace(/\n[ \t]+/g, " ").split("\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const recipient = fields.get("final-recipient") ?? fields.get("original-recipient");
    const action = fields.get("action")?.toLowerCase();
    const status = fields.get("status") ?? "";
    if (!recipient || action !== "failed") continue;
    const address = recipient.replace(/^[^;]*;\s*/, "").replace(/^<|>$/g, "").trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) continue;
    out.push({ address, status, diagnostic: fields.get("diagnostic-code")?.slice(0, 500) ?? null });
  }
  return out;
}

/** A Message-ID as stored for duplicate detection: without angle brackets and spaces, bounded; null when absent or unusable. */
export function normaliseMessageId(value: string | null | undefined): string | null {
  const id = (value ?? "").trim().replace(/^<|>$/g, "").trim();
  if (!id || id.length > 500 || /\s/.test(id)) return null;
  return id;
}
