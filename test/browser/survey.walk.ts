import { describe, expect, inject, it } from "vitest";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";

const origin = inject("origin");
const apiKey = inject("demoApiKey");

const ANSWERS: Record<string, number | boolean> = {
  ce_overall: 8, ce_custom: 7, ce_reliability: 8,
  pq_overall: 9, pq_custom: 8, pq_reliability: 9,
  pv_price_given_quality: 7, pv_quality_given_price: 6,
  sat_overall: 8, sat_expectations: 7, sat_ideal: 7,
  complained: false,
  loy_repurchase: 9, loy_price_increase: 6, loy_price_decrease: 7, nps: 9, sat_level: 4,
};

async function countResponses(region: string): Promise<{ total: number; items: { language: string; answers: Record<string, unknown> }[] }> {
  const surveys = (await (await fetch(`${origin}/api/surveys`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { items: { id: string; slug: string }[] };
  const demo = surveys.items.find((s) => s.slug === "demo-acsi")!;
  const res = await fetch(`${origin}/api/surveys/${demo.id}/responses?status=completed&hidden.region=${region}`, { headers: { authorization: `Bearer ${apiKey}` } });
  return (await res.json()) as { total: number; items: { language: string; answers: Record<string, unknown> }[] };
}

/** Clicks through the demo survey like a respondent on a 360 × 740 phone. */
async function answerDemoSurvey(options: { lang: "zh-CN" | "en"; javaScriptEnabled: boolean; region: string; checkAccessibility?: boolean }) {
  const browser = await launchBrowser({ width: 360, height: 740, javaScriptEnabled: options.javaScriptEnabled, locale: options.lang });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${origin}/s/demo-acsi?lang=${options.lang}&region=${options.region}&touchpoint=web`);
    expect(await page.getAttribute("html", "lang")).toBe(options.lang);
    // Nothing may overflow a 360 px screen horizontally.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    for (let step = 0; step < 10; step++) {
      const form = page.locator("form.survey-form");
      if ((await form.count()) === 0) break;
      if (options.checkAccessibility) await expectAccessible(page, `survey page ${step + 1}`);
      const names = await page.$$eval("form.survey-form input[type=radio]", (inputs) => [...new Set(inputs.map((i) => (i as HTMLInputElement).name))]);
      for (const name of names) {
        const value = ANSWERS[name];
        if (value === undefined) continue;
        const wanted = typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
        // Click the visible label (the radio itself is visually hidden but stays focusable).
        await page.locator(`label:has(input[name="${name}"][value="${wanted}"])`).click();
      }
      await page.locator("button.primary").click();
      await page.waitForLoadState("load");
    }
    const heading = await page.locator("h1").first().textContent();
    expect(heading).toBe(options.lang === "zh-CN" ? "感谢您的参与！" : "Thank you!");
    if (options.checkAccessibility) await expectAccessible(page, "the thank-you page");
  } finally {
    await browser.close();
  }
}

describe("answering the demo survey in a browser", () => {
  it("works on a 360 px phone in Chinese", async () => {
    // The same pages in either language and with or without JavaScript: axe checks them once, here.
    await answerDemoSurvey({ lang: "zh-CN", javaScriptEnabled: true, region: "browser-zh", checkAccessibility: true });
    const stored = await countResponses("browser-zh");
    expect(stored.total).toBe(1);
    expect(stored.items[0]!.language).toBe("zh-CN");
    expect(stored.items[0]!.answers.sat_overall).toBe(8);
  });

  it("works on a 360 px phone in English", async () => {
    await answerDemoSurvey({ lang: "en", javaScriptEnabled: true, region: "browser-en" });
    const stored = await countResponses("browser-en");
    expect(stored.total).toBe(1);
    expect(stored.items[0]!.language).toBe("en");
  });

  it("works with JavaScript disabled (plain form posts)", async () => {
    await answerDemoSurvey({ lang: "en", javaScriptEnabled: false, region: "browser-nojs" });
    const stored = await countResponses("browser-nojs");
    expect(stored.total).toBe(1);
    expect(stored.items[0]!.answers.nps).toBe(9);
  });

  it("moves focus to an error summary when a required question is skipped", async () => {
    const browser = await launchBrowser({ width: 360, height: 740, locale: "en" });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${origin}/s/demo-acsi?lang=en`);
      await page.locator("button.primary").click();
      await page.waitForLoadState("load");
      const summary = page.locator("#error-summary");
      expect(await summary.isVisible()).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
      await expectAccessible(page, "a survey page with the error summary");
    } finally {
      await browser.close();
    }
  });
});
