/**
 * The survey programme end to end, through the staff app: a manager builds a bilingual survey
 * from the ACSI template in the builder and publishes it, imports a 1,000-row customer list with
 * bad rows (nothing is imported until the valid rows are chosen), a customer answers one personal
 * link, the response shows in the responses view, and an admin deletes the respondent — after
 * which their data is gone from the responses view and the CSV export.
 *
 * The tests run in order and share the survey they create.
 */
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn } from "./staff";

const origin = inject("origin");
const apiKey = inject("demoApiKey");

async function staffApi<T>(path: string): Promise<T> {
  const res = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (res.headers.get("content-type") ?? "").includes("json") ? ((await res.json()) as T) : ((await res.text()) as T);
}

/** An element whose id contains dots (the builder's ids are definition paths). */
const byId = (page: Page, id: string) => page.locator(`[id="${id}"]`);

const state: { surveyId?: string; slug?: string; link?: string; email?: string; valid?: number } = {};

/** 1,000 data rows: 980 good ones and 20 bad (invalid e-mail, repeated e-mail, tier outside the allowed values). */
function customerList(): { csv: string; bad: number; good: number } {
  const stamp = Date.now().toString(36);
  const lines = ["email,region,tier"];
  const tiers = ["gold", "silver", "bronze"];
  let bad = 0;
  for (let i = 1; i <= 1000; i++) {
    if (i % 100 === 7) {
      lines.push(`not-an-email-${i},east,gold`);
      bad++;
    } else if (i % 100 === 42) {
      lines.push(`customer-${stamp}-${i - 1}@example.com,west,silver`);
      bad++;
    } else if (i % 250 === 13) {
      lines.push(`customer-${stamp}-${i}@example.com,north,platinum`);
      bad++;
    } else {
      lines.push(`customer-${stamp}-${i}@example.com,${i % 2 ? "east" : "west"},${tiers[i % 3]}`);
    }
  }
  return { csv: `${lines.join("\r\n")}\r\n`, bad, good: 1000 - bad };
}

describe("survey builder, distribution and respondent privacy", () => {
  it("a manager builds a bilingual survey from the ACSI template, sees errors where they occur, and publishes it", async () => {
    const browser = await launchBrowser({ width: 1400, height: 900 });
    try {
      const page = await browser.context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await signIn(page, "manager");

      // Create from the ACSI template.
      state.slug = `acsi-b-${Date.now().toString(36)}`;
      await page.goto(`${origin}/app/builder`);
      await page.waitForSelector("[data-testid=builder-start] input[name=source][value=acsi]");
      await expectAccessible(page, "the builder's start page");
      await page.check("input[name=source][value=acsi]");
      await page.fill("#start-slug", state.slug);
      await page.click("[data-testid=builder-start] button[type=submit]");
      await page.waitForURL((url) => /^\/app\/surveys\/[^/]+\/builder$/.test(url.pathname));
      state.surveyId = new URL(page.url()).pathname.split("/")[3]!;
      const status = page.locator("[data-testid=builder-state]");
      await status.getByText("All changes saved").waitFor();
      // Both languages side by side; the template is fully translated.
      expect(await byId(page, "fld-title.zh-CN").inputValue()).not.toBe("");
      expect(await byId(page, "fld-title.en").inputValue()).not.toBe("");
      await page.getByText("Every text is translated").waitFor();
      await expectAccessible(page, "the builder");

      await byId(page, "fld-title.en").fill("ACSI browser test survey");
      await byId(page, "fld-hiddenFields.2.allowedValues").fill("gold, silver, bronze");
      // The measurement plan lacks a benchmark until one is entered.
      await page.locator("[data-testid=plan-advisories]").getByText("benchmark").waitFor();
      await byId(page, "fld-measurementPlan.benchmarkIndex").fill("76");
      await page.locator("[data-testid=plan-advisories]").waitFor({ state: "detached" });

      // A new single-choice question on the last page, shown only to promoters.
      await page.selectOption("#b-add-4", "single_choice");
      await page.click("[data-testid=add-question-4]");
      const q = "fld-pages.4.items.6";
      await byId(page, `${q}.label.zh-CN`).fill("您这次购买了什么？");
      // English still missing: flagged next to the field and counted in the status bar.
      expect(await byId(page, `${q}.label.en`).getAttribute("class")).toContain("is-missing");
      await status.getByText(/missing translations/).waitFor();
      await byId(page, `${q}.label.en`).fill("What did you buy this time?");
      await byId(page, `${q}.options.0.id`).fill("online");
      await byId(page, `${q}.options.0.label.zh-CN`).fill("网上");
      await byId(page, `${q}.options.0.label.en`).fill("Online");
      await byId(page, `${q}.options.1.id`).fill("store");
      await byId(page, `${q}.options.1.label.zh-CN`).fill("门店");
      await byId(page, `${q}.options.1.label.en`).fill("In a store");
      await page.getByText("Every text is translated").waitFor();
      await byId(page, `${q}.showIf`).getByRole("button", { name: "Show only if…" }).click();
      await byId(page, `${q}.showIf.itemId`).selectOption("nps");
      await byId(page, `${q}.showIf.op`).selectOption("gte");
      await byId(page, `${q}.showIf.value`).fill("9");

      // An invalid id: the schema's message appears under the id field and in the summary…
      await byId(page, `${q}.id`).fill("Bought");
      await byId(page, `${q}.id-error`).waitFor();
      await page.locator("[data-testid=builder-errors]").getByText(/Page 5 › Q\d+ \(Bought\) › Id \(answer key\)/).waitFor();
      // …and the server's 422 on save is mapped to the same field.
      const rejected = page.waitForResponse((r) => r.url().endsWith("/draft") && r.request().method() === "PUT");
      await page.click("[data-testid=builder-save]");
      expect((await rejected).status()).toBe(422);
      expect(await byId(page, `${q}.id`).getAttribute("aria-invalid")).toBe("true");
      await expectAccessible(page, "the builder with errors");
      await byId(page, `${q}.id`).fill("bought");
      await page.locator("[data-testid=builder-errors]").waitFor({ state: "detached" });

      // The phone preview is 360 px wide and shows the new question in either language.
      const preview = page.locator("[data-testid=builder-preview]");
      expect(Math.round((await page.locator(".b-phone-screen").boundingBox())!.width)).toBe(360);
      await preview.getByText("您这次购买了什么？").waitFor();
      await page.locator(".b-preview").getByRole("button", { name: "English (en)" }).click();
      await preview.getByText("What did you buy this time?").waitFor();

      const saved = page.waitForResponse((r) => r.url().endsWith("/draft") && r.request().method() === "PUT");
      await page.click("[data-testid=builder-save]");
      expect((await saved).status()).toBe(200);
      await status.getByText("All changes saved").waitFor();

      await page.click("[data-testid=builder-publish]");
      await page.locator("[data-testid=confirm-dialog]").waitFor();
      await expectAccessible(page, "the publish confirmation");
      await page.locator("[data-testid=confirm-dialog] button[type=submit]").click();
      await page.getByText("Published as version 1.").waitFor();
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }

    const survey = await staffApi<{ status: string; versions: unknown[]; draftDefinition: any }>(`/api/surveys/${state.surveyId}`);
    expect(survey.status).toBe("published");
    expect(survey.versions).toHaveLength(1);
    const def = survey.draftDefinition;
    expect(def.title.en).toBe("ACSI browser test survey");
    expect(def.hiddenFields[2].allowedValues).toEqual(["gold", "silver", "bronze"]);
    expect(def.measurementPlan.benchmarkIndex).toBe(76);
    expect(def.pages[4].items[6]).toMatchObject({
      id: "bought",
      type: "single_choice",
      label: { "zh-CN": "您这次购买了什么？", en: "What did you buy this time?" },
      options: [
        { id: "online", label: { "zh-CN": "网上", en: "Online" } },
        { id: "store", label: { "zh-CN": "门店", en: "In a store" } },
      ],
      showIf: { itemId: "nps", op: "gte", value: 9 },
    });
  });

  it("imports a 1,000-row customer list: with bad rows nothing is imported, then the valid rows only", async () => {
    expect(state.surveyId).toBeDefined();
    const list = customerList();
    const browser = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await browser.context.newPage();
      await signIn(page, "manager");
      await page.goto(`${origin}/app/surveys/${state.surveyId}/distribution`);
      await page.setInputFiles("#csv-file", { name: "customers.csv", mimeType: "text/csv", buffer: Buffer.from(list.csv, "utf8") });
      await page.locator("[data-testid=csv-preview]").getByText("1,000 data rows").waitFor();
      await page.click("[data-testid=csv-import-submit]");
      const report = page.locator("[data-testid=import-report]");
      await report.getByText("Nothing was imported.").waitFor();
      await report.getByText(`${list.bad} of 1,000 rows were rejected.`).waitFor();
      expect(await report.locator("[data-testid=rejected-rows] tbody tr").count()).toBe(list.bad);
      await report.getByText("is not a valid e-mail address").first().waitFor();
      await report.getByText("repeats row").first().waitFor();
      await report.getByText('"platinum" is not one of gold, silver, bronze').first().waitFor();
      await expectAccessible(page, "distribution with the import report");

      // Not half-imported: the survey has no invitations at all.
      expect((await staffApi<{ total: number }>(`/api/surveys/${state.surveyId}/invitations`)).total).toBe(0);

      await page.click("[data-testid=import-valid-only]");
      const result = page.locator("[data-testid=import-result]");
      await result.getByText(`${list.good} invitations were created.`).waitFor();
      await result.getByText(`${list.bad} rejected rows were skipped.`).waitFor();
      const firstLink = result.locator("[data-testid=import-links] tbody tr").first();
      state.email = (await firstLink.locator("td").first().textContent())!.trim();
      state.link = (await firstLink.locator("code").textContent())!.trim();
      expect(state.link).toContain(`/s/${state.slug}?t=`);
      state.valid = list.good;
    } finally {
      await browser.close();
    }
    expect((await staffApi<{ total: number }>(`/api/surveys/${state.surveyId}/invitations`)).total).toBe(list.good);
  });

  it("a customer completes their personal link on a phone and the response shows in the responses view", async () => {
    expect(state.link).toBeDefined();
    const answers: Record<string, string> = { complained: "no", nps: "9", sat_level: "4", bought: "store" };
    const phone = await launchBrowser({ width: 360, height: 740, locale: "en" });
    try {
      const page = await phone.context.newPage();
      await page.goto(`${state.link}&lang=en`);
      for (let step = 0; step < 10; step++) {
        if ((await page.locator("form.survey-form").count()) === 0) break;
        const names = await page.$$eval("form.survey-form input[type=radio]", (inputs) => [...new Set(inputs.map((i) => (i as HTMLInputElement).name))]);
        for (const name of names) {
          const wanted = answers[name] ?? "8";
          await page.locator(`label:has(input[name="${name}"][value="${wanted}"])`).click();
        }
        await page.locator("button.primary").click();
        await page.waitForLoadState("load");
      }
      expect(await page.locator("form.survey-form").count()).toBe(0);
      await page.getByText("Thank you for your feedback!").waitFor();
    } finally {
      await phone.close();
    }

    const browser = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await browser.context.newPage();
      await signIn(page, "manager");
      await page.goto(`${origin}/app/surveys/${state.surveyId}/responses`);
      const rows = page.locator("[data-testid=responses-table] tbody tr");
      await rows.first().waitFor();
      expect(await rows.count()).toBe(1);
    } finally {
      await browser.close();
    }
    const stored = await staffApi<{ total: number; items: { answers: Record<string, unknown>; hidden: Record<string, string> }[] }>(`/api/surveys/${state.surveyId}/responses`);
    expect(stored.total).toBe(1);
    expect(stored.items[0]!.answers.bought).toBe("store");
    expect(stored.items[0]!.answers.nps).toBe(9);
  });

  it("an admin deletes the respondent: gone from the responses view and the CSV export", async () => {
    expect(state.email).toBeDefined();
    const before = await staffApi<string>(`/api/surveys/${state.surveyId}/responses/export.csv`);
    const responseId = (await staffApi<{ items: { id: string }[] }>(`/api/surveys/${state.surveyId}/responses`)).items[0]!.id;
    expect(before).toContain(responseId);

    const browser = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await browser.context.newPage();
      await signIn(page, "admin");
      await page.goto(`${origin}/app/admin/privacy`);
      await page.fill("#privacy-email", state.email!);
      await page.getByRole("button", { name: "Find" }).click();
      const counts = page.locator("[data-testid=privacy-counts]");
      await counts.waitFor();
      expect(await counts.locator("dd").allTextContents()).toEqual(["1", "1", "0", "0"]);
      await expectAccessible(page, "privacy with a respondent found");

      await page.click("[data-testid=privacy-delete]");
      const dialog = page.locator("[data-testid=confirm-dialog]");
      const confirm = dialog.locator("button[type=submit]");
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.locator("#b-dialog-typed").fill(state.email!);
      await confirm.click();
      await page.locator("[data-testid=privacy-done]").getByText("1 responses, 1 invitations").waitFor();
      await page.locator("[data-testid=privacy-empty]").waitFor();
      await expectAccessible(page, "privacy after a deletion");

      await page.goto(`${origin}/app/surveys/${state.surveyId}/responses`);
      await page.getByText("No responses match these filters.").waitFor();
      expect(await page.locator("[data-testid=responses-table] tbody tr").count()).toBe(0);
    } finally {
      await browser.close();
    }
    const after = await staffApi<string>(`/api/surveys/${state.surveyId}/responses/export.csv`);
    expect(after).not.toContain(responseId);
    expect(after.trim().split(/\r?\n/)).toHaveLength(1);
    expect((await staffApi<{ total: number }>(`/api/surveys/${state.surveyId}/responses`)).total).toBe(0);
    expect((await staffApi<{ total: number }>(`/api/surveys/${state.surveyId}/invitations`)).total).toBe(state.valid! - 1);
  });
});
