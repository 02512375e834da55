/**
 * The text a complaint or a timeline reply keeps from an e-mail: the plain-text part, or the HTML
 * part reduced to text, and for replies without the quoted history mail clients append.
 * Pure string work (no DOM: this runs in the Worker and in unit tests alike).
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  copy: "©",
  reg: "®",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  middot: "·",
  yen: "¥",
  euro: "€",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

const BLOCK_END = /<\/(p|div|h[1-6]|tr|table|blockquote|pre|section|article|header|footer|ul|ol)\s*>/gi;

/**
 * HTML reduced to readable text: scripts, styles and comments dropped, block ends and `<br>` become
 * line breaks, list items a "- ", links keep their address when it differs from their text,
 * entities decoded, runs of blank lines collapsed. `dropQuotes` also removes `<blockquote>`
 * and the quote containers of common clients (Gmail, Outlook, Apple Mail, QQ/Foxmail).
 */
export function htmlToText(html: string, options: { dropQuotes?: boolean } = {}): string {
  let s = html.replace(/<!--[\s\S]*?-->/g, "");
  s = s.replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, "");
  if (options.dropQuotes) {
    s = dropQuoteContainers(s);
  }
  s = s.replace(/<a\b[^>]*\bhref\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, _q, dq: string | undefined, sq: string | undefined, inner: string) => {
    const href = decodeEntities(dq ?? sq ?? "");
    const label = inner.replace(/<[^>]+>/g, "").trim();
    return href && !href.startsWith("mailto:") && decodeEntities(label) !== href && /^https?:/i.test(href) ? `${inner} (${href})` : inner;
  });
  s = s.replace(/<br\s*\/?>/gi, "\n");
  s = s.replace(/<li\b[^>]*>/gi, "\n- ");
  s = s.replace(/<\/t[dh]\s*>/gi, "\t");
  s = s.replace(BLOCK_END, "\n");
  s = s.replace(/<(p|div|h[1-6]|tr|table|blockquote|pre|ul|ol)\b[^>]*>/gi, "\n");
  s = s.replace(/<[^>]*>/g, "");
  s = decodeEntities(s);
  return tidy(s);
}

/** Remove `<blockquote>…</blockquote>` (nested ones too) and the known quote wrappers with everything after them. */
function dropQuoteContainers(html: string): string {
  // Gmail, Apple Mail, Outlook (web and desktop), Yahoo, QQ/Foxmail mark where the quoted history starts.
  const markers = [
    /<div\b[^>]*class\s*=\s*["'][^"']*\bgmail_quote\b/i,
    /<div\b[^>]*id\s*=\s*["']?(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)\b/i,
    /<div\b[^>]*class\s*=\s*["'][^"']*\byahoo_quoted\b/i,
    /<div\b[^>]*id\s*=\s*["']?(isForwardContent|isReplyContent|QQMailReplyContent)\b/i,
    /<hr\b[^>]*id\s*=\s*["']?stopSpelling/i,
  ];
  let cut = html.length;
  for (const marker of markers) {
    const match = marker.exec(html);
    if (match && match.index < cut) cut = match.index;
  }
  let s = html.slice(0, cut);
  // Innermost blockquotes first, until none is left.
  for (let guard = 0; guard < 50 && /<blockquote\b/i.test(s); guard++) {
    const next = s.replace(/<blockquote\b[^>]*>(?:(?!<blockquote\b)[\s\S])*?<\/blockquote\s*>/gi, "");
    if (next === s) break;
    s = next;
  }
  return s;
}

function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\u00a0/g, " ")
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/g, "").replace(/^[ \t]+/, (lead) => (lead.includes("\t") ? "" : lead.length > 4 ? "" : lead)))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The message's own text: the text part when it says something, else its HTML reduced to text. */
export function messageBodyText(parts: { text?: string | null; html?: string | null }, options: { dropQuotes?: boolean } = {}): string {
  const plain = parts.text ? tidy(parts.text) : "";
  if (plain) return plain;
  return parts.html ? htmlToText(parts.html, options) : "";
}

/**
 * Lines that start the quoted history in a reply: "On <date>, <name> wrote:", its Chinese forms
 * ("在 2026年1月5日 …写道：", "…于 … 写道："), Outlook's "-----Original Message-----" /
 * "-----原始邮件-----" and its "From: … Sent: …" header block ("发件人：… 发送时间：…").
 */
const ATTRIBUTION = [
  /^on\b.{0,300}\bwrote:\s*$/i,
  /^(在|于).{0,200}(写道|寫道)[：:]\s*$/,
  /.{0,200}(写道|寫道)[：:]\s*$/,
  /^-{2,}\s*(original message|原始邮件|原始郵件|forwarded message|转发的邮件)\s*-{2,}\s*$/i,
  /^_{5,}\s*$/,
];
const HEADER_BLOCK_START = /^\s*\**(from|发件人|寄件者)\s*[:：]/i;
const HEADER_BLOCK_FOLLOW = /^\s*\**(sent|date|to|subject|cc|发送时间|日期|收件人|主题|抄送|寄件日期|主旨)\s*[:：]/i;

/**
 * A reply with its quoted history removed: everything from the first attribution line, header
 * block or `>`-quoted line on (when own text precedes it), and trailing `>` lines. A reply that
 * is nothing but quotes keeps its text, so no customer message is ever emptied to nothing.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (ATTRIBUTION.some((pattern) => pattern.test(line))) {
      cut = i;
      break;
    }
    // Clients wrap long attributions: "On Mon, 5 Jan 2026 at 10:00, Feedloop" / "<x@y>" / "wrote:".
    if (/^on\b/i.test(line) && lines.slice(i + 1, i + 3).some((next) => /\bwrote:\s*$/i.test(next.trim()))) {
      cut = i;
      break;
    }
    if (HEADER_BLOCK_START.test(line) && lines.slice(i + 1, i + 5).some((next) => HEADER_BLOCK_FOLLOW.test(next))) {
      cut = i;
      break;
    }
    if (line.startsWith(">")) {
      cut = i;
      break;
    }
  }
  const own = lines.slice(0, cut).join("\n").trim();
  const withoutSignatureDelimiter = own.replace(/\n-- ?\n[\s\S]*$/, "").trim();
  const result = withoutSignatureDelimiter || own;
  return result || tidy(text);
}
