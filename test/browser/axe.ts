/** axe-core inside the browser tests: every page state a test visits must have no WCAG 2.x A/AA violation. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect } from "vitest";
import type { Page } from "playwright-core";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA; no rule is disabled. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string; summary: string }[] };

/** The page's current WCAG A/AA violations (axe injected through the debugging protocol, so the page's CSP does not block it). */
export async function axeViolations(page: Page): Promise<Violation[]> {
  // A route's own stylesheet is added when its chunk loads, possibly after the element a test waited
  // for: under load axe could measure the unstyled page (17 px links failing target-size). Every
  // stylesheet applied first, so the page is checked as people see it.
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].every((link) => link.sheet !== null));
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.map(String).join(" "), summary: (n.failureSummary ?? "").split("\n").slice(0, 3).join(" ") })),
    }));
  }, WCAG_TAGS);
}

/** Fails the test with axe's findings (rule, help text, first elements) when the page state has any WCAG A/AA violation. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `axe WCAG A/AA violations on ${state} (${page.url()})`).toEqual([]);
}

/**
 * The same check for a page state in a context without JavaScript. axe cannot run there (its timers and
 * promises never fire while script execution is off: waiting for it was what timed out), so the state's
 * DOM, scripts removed, is opened at the same address in a scripted context of the same browser and checked.
 */
export async function expectAccessibleWithoutJavaScript(page: Page, state: string): Promise<void> {
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, "");
  const url = page.url();
  const viewport = page.viewportSize();
  const context = await page.context().browser()!.newContext({ javaScriptEnabled: true, ...(viewport ? { viewport } : {}) });
  try {
    const copy = await context.newPage();
    await copy.route((address) => address.href === url, (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: html }));
    await copy.goto(url);
    await expectAccessible(copy, `${state}, without JavaScript`);
  } finally {
    await context.close();
  }
}
