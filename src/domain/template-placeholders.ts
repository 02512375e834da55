/**
 * The {{placeholder}} syntax staff write in templates (invitation e-mails, canned replies): finding the
 * names in a text and filling them. One syntax across the product, so what staff learn in one editor
 * holds in the other.
 */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function templatePlaceholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/** Replaces every {{name}} with `fill(name)`. */
export function fillTemplatePlaceholders(text: string, fill: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (_, name: string) => fill(name));
}

/** A value is data, not template: it cannot open a placeholder of its own. */
export function templateValue(value: string): string {
  return value.replace(/\{\{|\}\}/g, "").trim();
}
