/** For the zh-CN walk: Latin words the Chinese UI shows in its own text (its chrome), not in what people typed. */
import type { Page } from "playwright-core";

/** Names, codes and units that stay Latin in Chinese: the product, metrics' own names, file formats, units, time zones. */
export const LATIN_ALLOW_LIST = new Set([
  "Feedloop", "ACSI", "ECSI", "NPS", "CSAT", "CES", "SERVQUAL", "PLS", "IPMA", "Kano", "Holm", "SLA", "AVE", "GoF", "CSV", "JSON", "API", "PNG", "SVG",
  "Excel", "UTC", "GMT", "CNY", "English", "Enter", "Esc", "Ctrl", "Cmd", "Cronbach's", "URL", "IANA", "Webhook", "Webhooks",
  "Standard", // "Standard Webhooks", the signing scheme's name
  "MICOM", "PLSpredict", "UTF", // method names (measurement invariance, out-of-sample prediction) and the text encoding
  "slug", "min", "PDF", "KB", "MB",
]);

/** Codes kept as they are: e-mail addresses, links, references, language and time-zone ids, header and event names. */
const CODES = [/\S+@\S+/g, /https?:\/\/\S+/g, /\bFL-\d{4}-\d+/g, /\b[a-z]{2}-[A-Z]{2}\b/g, /\b[A-Z][a-z]+\/[A-Za-z_]+/g, /\b[a-z]+(-[a-z]+)+\b/g, /\b[a-z_]+\.[a-z_*]+/g, /\bY{4}-M{2}-D{2}\b/g, /\.csv\b/g, /\?[a-z_]+=[a-z_]+/g];

/**
 * Content, not chrome: what customers and staff wrote or named (free text, subjects, names, e-mail addresses, ids
 * and slugs in code, data cells), form values, and the language switch's own "English".
 */
const CONTENT = [".free-text", "code", "kbd", "td", "th[scope=row]", ".subject-cell", ".who-name", "[data-testid=complaint-description]", "input", "textarea", "option", "[lang=en]", ".message-text", ".subject", "select", "[data-content]"].join(", ");

/** The distinct Latin words (3+ letters) of the page's visible chrome that are not on the allow-list; `names` (people, teams, the organisation) are content. */
export async function untranslatedWords(page: Page, names: string[] = []): Promise<string[]> {
  const texts = await page.evaluate((content) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(content) || parent.closest("script, style, [hidden], .visually-hidden, .skip-link")) continue;
      if (parent.getClientRects().length === 0) continue;
      found.push(node.textContent ?? "");
    }
    return found;
  }, CONTENT);
  const words = new Set<string>();
  for (let text of texts) {
    for (const name of names) text = text.split(name).join(" ");
    for (const code of CODES) text = text.replace(code, " ");
    for (const word of text.match(/[A-Za-z][A-Za-z'’]{2,}/g) ?? []) if (!LATIN_ALLOW_LIST.has(word)) words.add(word);
  }
  return [...words].sort();
}
