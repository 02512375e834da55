/**
 * Issue 17, the experience as people meet it: each rough edge a walk-through of every role found,
 * reproduced here as the person meets it (a 360 px phone with and without JavaScript, the desk, the
 * dashboard, the admin pages). One Chromium serves the whole file; each test opens a cheap context.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expectAccessible, expectAccessibleWithoutJavaScript } from "./axe";
import { launchSharedBrowser } from "./browser";
import { untranslatedWords } from "./latin-words";
import { signIn, staffApi } from "./staff";

const origin = inject("origin");
const run = Date.now().toString(36);

let browser: Browser;
beforeAll(async () => {
  browser = await launchSharedBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function withContext<T>(options: { width?: number; height?: number; javaScriptEnabled?: boolean; locale?: string }, body: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    locale: options.locale ?? "en-US",
  });
  try {
    return await body(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

type Box = { left: number; right: number; top: number; width: number; height: number };
const boxesOf = (page: Page, selector: string): Promise<Box[]> =>
  page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, width: r.width, height: r.height };
    }),
  );

/** A 0–10 or 1–10 scale on a phone: one row, touch targets 44 px tall (24 px wide at least), end labels over the ends. */
async function expectOneRowScale(page: Page, itemId: string, count: number) {
  const options = await boxesOf(page, `[id="${itemId}"] label.scale-option`);
  expect(options).toHaveLength(count);
  expect(new Set(options.map((b) => Math.round(b.top))).size, `${itemId}: one row`).toBe(1);
  for (const b of options) {
    expect(b.height, `${itemId}: touch target height`).toBeGreaterThanOrEqual(44);
    expect(b.width, `${itemId}: touch target width`).toBeGreaterThanOrEqual(24);
  }
  const ends = await page.locator(`[id="${itemId}"] .scale-ends span`).evaluateAll((els) =>
    els.map((el) => {
      // The text's own extent (a Range), not its box: the label must start at the first button and end at the last.
      const range = document.createRange();
      range.selectNodeContents(el);
      const r = range.getBoundingClientRect();
      return { left: r.left, right: r.right };
    }),
  );
  expect(ends).toHaveLength(2);
  expect(Math.abs(ends[0]!.left - options[0]!.left)).toBeLessThanOrEqual(2);
  expect(Math.abs(ends[1]!.right - options[count - 1]!.right)).toBeLessThanOrEqual(2);
}

const DEMO_ANSWERS: Record<string, string> = {
  ce_overall: "8", ce_custom: "7", ce_reliability: "8",
  pq_overall: "9", pq_custom: "8", pq_reliability: "9",
  pv_price_given_quality: "7", pv_quality_given_price: "6",
  sat_overall: "8", sat_expectations: "7", sat_ideal: "7",
  complained: "no",
  loy_repurchase: "9", loy_price_increase: "6", loy_price_decrease: "7", nps: "9", sat_level: "4",
};

/** Checks every radio question of the page, one input each (works without JavaScript, where evaluating in the page does not). */
async function answerPage(page: Page) {
  const names = await page.locator("form.survey-form input[type=radio]").evaluateAll((inputs) => [...new Set(inputs.map((i) => (i as HTMLInputElement).name))]);
  for (const name of names) {
    const scale = (await page.locator(`.scale input[name="${name}"]`).count()) > 0;
    const input = page.locator(`input[name="${name}"][value="${DEMO_ANSWERS[name] ?? (scale ? "4" : "no")}"]`);
    if ((await input.count()) > 0) await input.check({ force: true });
  }
}

describe("the customer on a 360 px phone", () => {
  it("is told which question is missing, sees an error go once answered, gets one-row scales and is told how to come back", async () => {
    await withContext({ width: 360, height: 740, locale: "en" }, async (page) => {
      await page.goto(`${origin}/s/demo-acsi?lang=en&region=exp-${run}`);
      expect(await page.locator(".save-note").count()).toBe(0);
      await page.locator("button.primary").click();
      await page.waitForLoadState("load");
      // The summary names each question (not three identical "This question is required.").
      const entries = await page.locator("#error-summary li").allTextContents();
      expect(entries.length).toBeGreaterThan(1);
      const labels = await page.locator("form.survey-form fieldset.item > legend").evaluateAll((els) => els.map((el) => (el.firstChild?.textContent ?? "").trim()));
      for (const [index, entry] of entries.entries()) expect(entry).toContain(labels[index]!);
      expect(new Set(entries).size).toBe(entries.length);

      // Answering a question removes its inline error and its summary entry at once.
      const first = (await page.locator("form.survey-form fieldset.item").first().getAttribute("id"))!;
      expect(await page.locator(`[id="${first}-error"]`).count()).toBe(1);
      await page.locator(`label:has(input[name="${first}"][value="8"])`).click();
      expect(await page.locator(`[id="${first}-error"]`).count()).toBe(0);
      expect(await page.locator(`[id="${first}"]`).getAttribute("class")).not.toContain("has-error");
      expect(await page.locator("#error-summary li").count()).toBe(entries.length - 1);

      // 1–10 scales: one row, 44 px targets, "10 = …" over the 10.
      await expectOneRowScale(page, first, 10);

      // The answers are saved: the page says so and gives the link that resumes them.
      const resume = page.locator("[data-testid=resume-link]");
      expect(await page.locator(".save-note").textContent()).toContain("saved as you go");
      const href = (await resume.getAttribute("href"))!;
      expect(href).toMatch(/[?&]r=[A-Za-z0-9_-]{8,}/);
      await answerPage(page);
      await page.locator("button.primary").click();
      await page.waitForLoadState("load");
      await page.goto(`${origin}${href}`);
      await page.locator(".notice[role=status]").waitFor();
      expect(await page.locator(".progress").textContent()).not.toContain("Page 1 of");
    });
  });

  it("without JavaScript, a follow-up question says when to answer it", async () => {
    await withContext({ width: 360, height: 740, javaScriptEnabled: false, locale: "en" }, async (page) => {
      await page.goto(`${origin}/s/demo-acsi?lang=en&region=nojs-${run}`);
      // Page by page (plain form posts) to the page with the complaint question; no script runs, so nothing waits for one.
      for (let step = 0; step < 8 && (await page.locator('input[name="complained"]').count()) === 0; step++) {
        await answerPage(page);
        await page.locator("button.primary").click();
      }
      const conditional = page.locator(".conditional").filter({ has: page.locator('[name="complaint_detail"]') });
      expect(await conditional.isVisible()).toBe(true);
      const hint = (await conditional.locator(".conditional-hint").textContent()) ?? "";
      expect(hint).toContain("Answer only if");
      expect(hint).toContain("“Yes”");
      expect(hint).toContain("have you complained");
      await expectAccessibleWithoutJavaScript(page, "the follow-up question");
    });
  });

  it("the complaint status page shows the customer's own complaint and every time in one time zone", async () => {
    const text = `The blender stopped after two days (${run}).`;
    await withContext({ width: 360, height: 740, javaScriptEnabled: false, locale: "en" }, async (page) => {
      await page.goto(`${origin}/complaints/new?org=demo&lang=en`);
      await page.fill("#field-subject", `Broken blender ${run}`);
      await page.fill("#field-description", text);
      await page.fill("#field-email", `status-${run}@example.com`);
      if ((await page.locator("#field-category").count()) > 0) await page.selectOption("#field-category", { index: 1 });
      await page.locator("form button[type=submit]").last().click();
      await page.waitForLoadState("load");
      const statusUrl = (await page.locator(".status-link a").getAttribute("href"))!;
      await page.goto(statusUrl);
      expect((await page.locator("[data-testid=own-complaint]").textContent())?.trim()).toBe(text);
      const deadline = (await page.locator(".facts dd").nth(1).textContent()) ?? "";
      const times = await page.locator(".timeline time").allTextContents();
      expect(times.length).toBeGreaterThan(0);
      const zone = (value: string) => /(GMT[+-]\d+(:\d+)?|UTC|[A-Z]{2,5})\s*$/.exec(value.trim())?.[1];
      expect(zone(deadline)).toBeTruthy();
      for (const time of times) expect(zone(time)).toBe(zone(deadline));
    });
  });
});

describe("staff at the desk", () => {
  it("finds a phone number, asks before acknowledging with 'a', labels Cancel plainly, and translates categories", async () => {
    const phone = `+86 21 5555 ${String(Date.now() % 10_000).padStart(4, "0")}`;
    const created = await staffApi<{ id: string; reference: string }>("POST", "/api/complaints", {
      subject: `Phone search ${run}`,
      description: "Called about a late delivery.",
      source: "phone",
      category: "delivery",
      contact: { name: "Phone Customer", phone },
    });
    await withContext({}, async (page) => {
      // Right after sign-in the page says it is loading (the desk's data held back here), never a blank page.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route("**/api/complaints?*", async (route) => {
        await held;
        await route.continue();
      });
      await signIn(page, "staff");
      // The loading message itself: the saved-views panel has its own (empty) status line beside it.
      await page.locator("main p.loading[role=status]").waitFor();
      release();
      // Wait for the held requests' handlers to finish: a plain unroute let Playwright continue a held
      // request itself, and the handler's own continue then failed ("Route is already handled", CI).
      await page.unrouteAll({ behavior: "wait" });

      // The number typed as plain digits finds it.
      await page.goto(`${origin}/app/complaints?q=${encodeURIComponent(phone.replace(/\D/g, "").slice(2))}`);
      const row = page.locator(`[data-complaint-id="${created.id}"]`);
      await row.waitFor();
      await row.locator("a.ref-link").click();
      await page.locator("[data-testid=complaint-description]").waitFor();

      // "a" opens the acknowledge form (with its message to the customer) instead of acting at once.
      await page.locator("h1").click();
      await page.keyboard.press("a");
      const form = page.locator("[data-testid=transition-form]");
      await form.waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("tf-message");
      expect((await staffApi<{ state: string }>("GET", `/api/complaints/${created.id}`)).state).toBe("received");
      const buttons = await form.locator(".btn-row button").allTextContents();
      expect(buttons).toEqual(["Confirm: Acknowledge", "Cancel"]);
      await form.locator("button[type=submit]").click();
      await expect.poll(async () => page.locator("[data-testid=desk-notice]").textContent()).toBe("Done — the complaint is now “Acknowledged”.");
      await expectAccessible(page, "the desk after acknowledging");

      // In Chinese the categories are Chinese, in the filter, the table and the classification.
      await page.click("button[lang=zh-CN]");
      await expect.poll(async () => page.locator("#cl-category option[value=delivery]").textContent()).toBe("配送");
      await page.goto(`${origin}/app/complaints?q=${encodeURIComponent(created.reference)}`);
      await row.waitFor();
      expect(await page.locator("#cq-category option[value=billing]").textContent()).toBe("账单与退款");
      expect(await row.textContent()).toContain("配送");
    });
  });

  it("ticks complaints by keyboard (one, or the whole page) and closes duplicates or re-prioritises them, each complaint's result listed, in English and Chinese", async () => {
    const make = (subject: string) => staffApi<{ id: string; reference: string }>("POST", "/api/complaints", { subject, description: "Invoice charged twice.", source: "phone", category: "billing" });
    const kept = await make(`Bulk ${run} kept`);
    const duplicates = [await make(`Bulk ${run} again`), await make(`Bulk ${run} third`)];
    await withContext({}, async (page) => {
      await signIn(page, "staff");
      await page.goto(`${origin}/app/complaints?status=all&q=${encodeURIComponent(`Bulk ${run}`)}`);
      await page.locator(`[data-complaint-id="${kept.id}"]`).waitFor();
      expect(await page.locator("[data-complaint-id]").count()).toBe(3);
      // "Select all on this page" with the keyboard (Space on the focused box), then untick the kept one with j/k and "x".
      await page.locator("#cq-select-page").focus();
      await page.keyboard.press("Space");
      await expect.poll(() => page.locator(".select-box:checked").count()).toBe(4);
      expect(await page.locator("#bulk-title").textContent()).toContain("3 selected");
      await expectAccessible(page, "the queue with three complaints ticked");
      await page.locator("h1").click();
      const keptRow = await page.locator("[data-complaint-id]").evaluateAll((rows, id) => rows.findIndex((row) => row.getAttribute("data-complaint-id") === id), kept.id);
      for (let i = 0; i < keptRow; i++) await page.keyboard.press("j");
      await page.keyboard.press("x");
      await expect.poll(() => page.locator(`[id="cq-select-${kept.id}"]`).isChecked()).toBe(false);
      expect(await page.locator("#cq-select-page").evaluate((box) => (box as HTMLInputElement).indeterminate)).toBe(true);
      // Tick it again: the kept complaint in the selection is reported, not closed.
      await page.locator(`[id="cq-select-${kept.id}"]`).check();

      await page.selectOption("#bulk-action", "close_as_duplicate");
      await page.fill("#bulk-duplicate-of", kept.reference);
      await page.locator("[data-testid=bulk-actions] button[type=submit]").click();
      expect(await page.locator("[data-testid=bulk-confirm]").textContent()).toBe(`Close 3 complaints as duplicates of ${kept.reference}? The customers are told their matter continues there.`);
      await expectAccessible(page, "the bulk close's confirmation");
      await page.locator("[data-testid=bulk-actions] button[type=submit]").click();
      const result = page.locator("[data-testid=bulk-result]");
      await result.waitFor();
      expect(await result.locator("[role=status]").textContent()).toBe("2 changed, 0 already so, 1 not changed.");
      expect(await result.locator(`li[data-result=is_duplicate_target]`).textContent()).toBe(`${kept.reference}: is the complaint kept`);
      expect((await result.locator(`li[data-result=changed]`).allTextContents()).sort()).toEqual(duplicates.map((d) => `${d.reference}: changed · Closed`).sort());
      for (const d of duplicates) expect((await staffApi<{ state: string; resolution: { outcome: string } }>("GET", `/api/complaints/${d.id}`)).resolution.outcome).toBe("duplicate");
      await expectAccessible(page, "the bulk result");

      // In Chinese: the whole page re-prioritised, closed ones reported as not possible in their status.
      await page.click("button[lang=zh-CN]");
      await page.locator("#cq-select-page").check();
      await page.selectOption("#bulk-action", "set_priority");
      await page.selectOption("#bulk-priority", "urgent");
      await page.locator("[data-testid=bulk-actions] button[type=submit]").click();
      await expect.poll(() => result.locator("[role=status]").textContent()).toBe("已更改 1 条，0 条本已如此，2 条未更改。");
      expect(await result.locator("li[data-result=illegal_transition]").count()).toBe(2);
      await page.locator("#cq-select-page").check();
      const names = (await staffApi<{ items: { name: string }[] }>("GET", "/api/organisation/members")).items.map((m) => m.name);
      expect(await untranslatedWords(page, names)).toEqual([]);
      await expectAccessible(page, "the bulk form and result in Chinese");
    });
  });

  it("a manager keeps canned replies (an unknown placeholder refused beside its text); staff insert one filled in the complaint's language", async () => {
    const name = `Refund ${run}`;
    await withContext({}, async (page) => {
      await signIn(page, "manager");
      await page.goto(`${origin}/app/complaints`);
      await page.getByRole("link", { name: "Canned replies" }).click();
      await page.locator("[data-testid=reply-template-form]").waitFor();
      await page.fill("#rt-name", name);
      await page.fill("#rt-en", "Dear {{customerName}}, your complaint {{reference}} will be resolved by {{dueDate}}. {{ownerName}}");
      await page.fill("#rt-zh", "{{顾客}}您好：");
      await page.locator("[data-testid=reply-template-form] button[type=submit]").click();
      const zhError = page.locator("#rt-zh-error");
      await zhError.waitFor();
      expect(await zhError.textContent()).toContain("unknown placeholder {{顾客}}");
      expect(await page.locator("#rt-zh").getAttribute("aria-describedby")).toContain("rt-zh-error");
      await expectAccessible(page, "the canned reply refused for an unknown placeholder");
      await page.fill("#rt-zh", "{{customerName}}您好：您的投诉 {{reference}} 将于 {{dueDate}} 前解决。{{ownerName}}");
      await page.locator("[data-testid=reply-template-form] button[type=submit]").click();
      await expect.poll(() => page.locator("[data-testid=reply-templates]").textContent()).toContain(name);
      await page.click("button[lang=zh-CN]");
      await expect.poll(() => page.locator("main h1").textContent()).toBe("常用回复");
      const names = (await staffApi<{ items: { name: string }[] }>("GET", "/api/organisation/members")).items.map((m) => m.name);
      expect(await untranslatedWords(page, names)).toEqual([]);
      await expectAccessible(page, "the canned replies in Chinese");
    });
    const complaint = await staffApi<{ id: string; reference: string }>("POST", "/api/complaints", {
      subject: `Canned ${run}`, description: "发票重复扣款。", source: "phone", category: "billing", language: "zh-CN", contact: { name: "王芳", phone: "+86 21 5555 0101" },
    });
    await withContext({}, async (page) => {
      await signIn(page, "staff");
      await page.goto(`${origin}/app/complaints/${complaint.id}`);
      await page.locator("#composer-template").waitFor();
      await page.locator("#composer-template").selectOption({ label: name });
      await page.getByRole("button", { name: "Insert" }).click();
      await expect.poll(() => page.locator("#composer-text").inputValue()).toMatch(new RegExp(`^王芳您好：您的投诉 ${complaint.reference} 将于 \\d{4}年\\d{1,2}月\\d{1,2}日 前解决。`));
      expect(await page.locator(".canned-reply [role=status]").textContent()).toBe(`Inserted in the customer's language: ${name}`);
      await expectAccessible(page, "the reply box with a canned reply inserted");
    });
  });

  it("a milestone met late shows as breached only", async () => {
    type Detail = { id: string; sla: { milestones: { milestone: string; metAt: string | null; breached: boolean }[] } };
    const list = await staffApi<{ items: { id: string }[] }>("GET", "/api/complaints?limit=50&status=closed");
    let late: { id: string; milestone: string } | undefined;
    for (const item of list.items) {
      const detail = await staffApi<Detail>("GET", `/api/complaints/${item.id}`);
      const m = detail.sla.milestones.find((x) => x.metAt && x.breached);
      if (m) {
        late = { id: detail.id, milestone: m.milestone };
        break;
      }
    }
    expect(late, "the demo seed has a milestone met after its deadline").toBeDefined();
    await withContext({}, async (page) => {
      await signIn(page, "staff");
      await page.goto(`${origin}/app/complaints/${late!.id}`);
      const item = page.locator(`.sla-list li.sla-breached`).first();
      await item.waitFor();
      const badges = await page.locator(".sla-list li.sla-breached .badge").allTextContents();
      expect(badges.some((b) => /^met /.test(b))).toBe(false);
      expect(badges).toContain("breached");
    });
  });
});

describe("the manager's builder", () => {
  it("counts each problem once and names it in words (question, option, language), also after the server rejects a save", async () => {
    // The ACSI template with a three-option question ("channel") added to its first page.
    const survey = await staffApi<{ id: string }>("POST", "/api/surveys", { slug: `exp-builder-${run}`, template: "acsi" });
    const path = `/api/surveys/${encodeURIComponent(survey.id)}`;
    const definition = (await staffApi<{ draftDefinition: { pages: { items: unknown[] }[] } }>("GET", path)).draftDefinition;
    const option = (id: string, zh: string, en: string) => ({ id, label: { "zh-CN": zh, en } });
    definition.pages[0]!.items.push({
      id: "channel", type: "single_choice", label: { "zh-CN": "您通过哪个渠道购买？", en: "Where did you buy?" },
      options: [option("online", "网上", "Online"), option("store", "门店", "In a store"), option("phone", "电话", "By phone")],
    });
    await staffApi("PUT", `${path}/draft`, { definition });
    await withContext({}, async (page) => {
      await signIn(page, "manager");
      await page.goto(`${origin}/app/surveys/${encodeURIComponent(survey.id)}/builder`);
      await page.locator("[data-testid=builder-state]").getByText("All changes saved").waitFor({ timeout: 20_000 });
      // Three problems: the Chinese (default-language) text of three answer options cleared.
      const question = page.locator("article[data-item-id=channel]");
      await question.locator(".b-item-toggle").click();
      const base = (await question.getAttribute("id"))!;
      for (const n of [0, 1, 2]) await page.locator(`[id="${base}.options.${n}.label.zh-CN"]`).fill("");
      const summary = page.locator("[data-testid=builder-errors]");
      await expect.poll(() => summary.locator("li").count(), { timeout: 10_000 }).toBe(3);
      const rejected = page.waitForResponse((r) => r.url().endsWith("/draft") && r.request().method() === "PUT");
      await page.click("[data-testid=builder-save]");
      expect((await rejected).status()).toBe(422);
      await expect.poll(() => summary.locator("li").count(), { timeout: 10_000 }).toBe(3);
      expect(await page.getByText("3 problems", { exact: true }).count()).toBe(1);
      const entries = await summary.locator("li").allTextContents();
      for (const [n, entry] of entries.entries()) {
        expect(entry).not.toMatch(/options\.\d|label\.zh-CN|\.zh-CN/);
        expect(entry).toContain(`Page 1 › Q4 (channel) › Option ${n + 1} › 中文 (zh-CN)`);
      }
    });
  });
});

describe("the manager's distribution", () => {
  it("is one screen (the old invitations address lands on it); reminders are explained before any invitation and confirmed with their count", async () => {
    const survey = await staffApi<{ id: string }>("POST", "/api/surveys", { slug: `exp-remind-${run}`, template: "nps" });
    const id = encodeURIComponent(survey.id);
    await staffApi("POST", `/api/surveys/${id}/publish`);
    await withContext({}, async (page) => {
      await signIn(page, "manager");
      await page.goto(`${origin}/app/surveys/${id}/invitations`);
      await page.waitForURL((url) => url.pathname.endsWith("/distribution"));
      const tabs = ["Overview", "Builder", "Distribution", "Responses"];
      await expect.poll(() => page.locator("nav.tabs a").allTextContents(), { timeout: 10_000 }).toEqual(tabs);
      // Before any invitation: the button is off and says why.
      const send = page.locator("[data-testid=send-reminders]");
      const blocked = page.locator("[data-testid=remind-blocked]");
      await blocked.waitFor();
      expect(await send.isDisabled()).toBe(true);
      expect(await blocked.textContent()).toContain("No invitation has been sent yet");
      await expectAccessible(page, "distribution before any invitation");

      // Two invitees: the button asks first, naming how many get an e-mail; Cancel sends nothing.
      await staffApi("POST", `/api/surveys/${id}/invitations`, { invitations: [{ email: `one-${run}@example.com` }, { email: `two-${run}@example.com` }] });
      await page.reload();
      await expect.poll(() => send.isEnabled(), { timeout: 10_000 }).toBe(true);
      await send.click();
      const dialog = page.locator("dialog[open]");
      expect(await dialog.textContent()).toContain("Send a reminder to 2 invitees?");
      await expectAccessible(page, "the reminder confirmation");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      expect((await staffApi<{ recipients: number }>("GET", `/api/surveys/${id}/invitations/remind`)).recipients).toBe(2);
      await send.click();
      await dialog.getByRole("button", { name: "Send 2 reminders" }).click();
      await page.getByText("2 reminder e-mails were queued.").waitFor();
      expect((await staffApi<{ recipients: number }>("GET", `/api/surveys/${id}/invitations/remind`)).recipients).toBe(0);

      // The overview and responses pages carry the same tabs.
      await page.goto(`${origin}/app/surveys/${id}`);
      await expect.poll(() => page.locator("nav.tabs a").allTextContents(), { timeout: 10_000 }).toEqual(tabs);
    });
  });
});

describe("the manager's dashboard and responses", () => {
  it("the survey overview names each question's type and what it measures in words, in English and Chinese", async () => {
    const survey = encodeURIComponent(inject("seed").surveyId);
    await withContext({}, async (page) => {
      await signIn(page, "manager");
      await page.goto(`${origin}/app/surveys/${survey}`);
      await page.locator("[data-testid=item-type]").first().waitFor();
      const types = new Set(await page.locator("[data-testid=item-type]").allTextContents());
      expect(types).toContain("Rating scale");
      expect([...types].some((type) => /_|^rating$/.test(type))).toBe(false);
      const metrics = await page.locator("[data-testid=item-metric]").allTextContents();
      expect(metrics).toContain("NPS (0–10 recommend)");
      expect(metrics.some((metric) => /_/.test(metric))).toBe(false);
      // No format code is left beside a question but its id.
      expect(await page.locator(".outline-items > li > .muted code").allTextContents()).toEqual(await page.locator(".outline-items > li").evaluateAll((items) => items.map((li) => li.querySelector(".muted code")?.textContent ?? "")));
      await page.click("button[lang=zh-CN]");
      await expect.poll(async () => new Set(await page.locator("[data-testid=item-type]").allTextContents()).has("评分量表")).toBe(true);
      expect(await page.locator("[data-testid=item-metric]").allTextContents()).toContain("NPS（0–10 推荐意愿）");
      await expectAccessible(page, "the survey overview in Chinese");
    });
  });

  it("the responses page searches open answers and marks the words found (as text, never markup)", async () => {
    const seed = inject("seed");
    const marker = `xq${run}`;
    const answers = Object.fromEntries(Object.entries(DEMO_ANSWERS).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v === "yes" ? true : v === "no" ? false : v]));
    const res = await fetch(`${origin}/api/public/surveys/demo-acsi/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ submissionId: crypto.randomUUID(), language: "en", hidden: { region: `exp-${run}` }, answers: { ...answers, comment: `Great fridge <b>${marker}</b> & friendly staff` }, complete: true }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    // The text is indexed when the queue consumer scores it: wait for the API to find it before using the page.
    const comments = `/api/surveys/${encodeURIComponent(seed.surveyId)}/open-answers/comments?q=${marker}`;
    await expect.poll(async () => (await staffApi<{ total: number }>("GET", comments)).total, { timeout: 20_000 }).toBe(1);
    await withContext({}, async (page) => {
      await signIn(page, "manager");
      await page.goto(`${origin}/app/surveys/${encodeURIComponent(seed.surveyId)}/responses`);
      await page.fill("#oa-q", marker.toUpperCase());
      await page.locator("form[role=search] button[type=submit]").click();
      const results = page.locator("[data-testid=open-answer-results]");
      await expect.poll(async () => (await results.count()) > 0 && (await results.locator("[role=status]").textContent())).toBe(`Answers containing “${marker.toUpperCase()}”: 1`);
      expect(await results.locator("li .free-text").textContent()).toBe(`Great fridge <b>${marker}</b> & friendly staff`);
      expect(await results.locator("li .free-text mark").allTextContents()).toEqual([marker]);
      expect(await results.locator("li .free-text b").count()).toBe(0);
      await expectAccessible(page, "the open-answer search with a result");
      await page.click("button[lang=zh-CN]");
      await expect.poll(() => results.locator("[role=status]").textContent()).toBe(`包含“${marker.toUpperCase()}”的回答：1 条`);
      await page.fill("#oa-q", `${marker}zz`);
      await page.locator("form[role=search] button[type=submit]").click();
      await expect.poll(() => results.locator("[role=status]").textContent()).toBe(`没有开放式回答包含“${marker}zz”。`);
      await expectAccessible(page, "the open-answer search without a result, in Chinese");
    });
  });

  it("explains missing figures in words, computes intervals on request, names segments and keeps the funnel sane", async () => {
    const seed = inject("seed");
    const id = encodeURIComponent(seed.surveyId);
    await withContext({}, async (page) => {
      await signIn(page, "manager");
      // A region and a month: a selection whose bootstrap intervals nobody has computed yet.
      await page.goto(`${origin}/app/dashboard?survey=${id}&region=south&by=touchpoint`);
      const notice = page.locator("[data-testid=intervals-missing]");
      await notice.waitFor({ timeout: 20_000 });
      // Warnings and metrics in words: no raw codes on screen.
      const main = (await page.locator("main").innerText()) ?? "";
      expect(main).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
      // Segment values by name, not id ("call_centre").
      await expect.poll(async () => page.locator("[data-testid=segments-table] th[scope=row]").allTextContents(), { timeout: 10_000 }).toContain("Call centre");
      // The trend's index axis has a title; its legend names series without "—".
      await expect.poll(async () => page.locator("#trend .u-legend").count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await page.locator("#trend .u-legend").innerText()).not.toContain("—");
      await expectAccessible(page, "the dashboard of a segment without intervals");
      await page.click("[data-testid=compute-intervals]");
      await notice.waitFor({ state: "detached", timeout: 60_000 });
      expect(await page.locator("#acsi").innerText()).toMatch(/95% interval \d/);

      // The responses funnel never shows a start rate above 100 %; when starts exceed views it says why.
      await page.goto(`${origin}/app/surveys/${id}/responses`);
      const funnel = page.locator("[data-testid=funnel]");
      await funnel.waitFor({ timeout: 20_000 });
      const percentages = ((await funnel.innerText()).match(/[\d,.]+(?=\s*%)/g) ?? []).map((p) => Number(p.replace(/,/g, "")));
      for (const p of percentages) expect(p).toBeLessThanOrEqual(100);
      const [views, starts] = (await funnel.locator(".funnel-n").allTextContents()).map((n) => Number(n.replace(/\D/g, "")));
      if (starts! > views!) await page.locator("[data-testid=funnel-note]").waitFor();
    });
  }, 120_000);
});

describe("the admin's webhooks and audit log", () => {
  it("a webhook's test message is in its delivery log; the audit log reads as sentences and filters by kind, person and date", async () => {
    // A receiver on this machine (development allows local http receivers).
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      received.push(String(req.headers["webhook-id"]));
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook-${run}`;
    try {
      await staffApi("POST", "/api/webhooks", { url, events: ["complaint.created"] });
      const admin = inject("seed").accounts.find((a) => a.role === "admin")!;
      const members = await staffApi<{ items: { name: string; email: string }[] }>("GET", "/api/organisation/members");
      const adminName = members.items.find((m) => m.email === admin.email)!.name;
      await withContext({}, async (page) => {
        await signIn(page, "admin");
        await page.goto(`${origin}/app/admin/webhooks`);
        const listed = page.locator(".a-endpoint", { hasText: url });
        await listed.getByRole("button", { name: "Send test" }).click();
        await page.getByText(/Test message delivered: the receiver answered 204/).waitFor();
        expect(received).toHaveLength(1);
        await listed.getByRole("button", { name: "Delivery log" }).click();
        const log = page.locator("dialog.drawer table tbody tr");
        await log.first().waitFor();
        expect(await log.count()).toBe(1);
        expect(await log.first().innerText()).toMatch(/test[\s\S]*204/);
        await expectAccessible(page, "the delivery log with a test attempt");
        await page.locator("dialog.drawer").getByRole("button", { name: "Close" }).click();

        // The audit log: a kind of action, a person by name and today's date, no ids typed; entries as sentences.
        await page.goto(`${origin}/app/admin/audit`);
        await page.selectOption("#audit-action", "webhook.*");
        await page.fill("#audit-actor", adminName.split(" ").at(-1)!);
        const today = new Date().toISOString().slice(0, 10);
        await page.fill("#audit-from", today);
        await page.getByRole("button", { name: "Apply" }).click();
        const table = page.locator("[data-testid=audit-table]");
        // The unfiltered page shows until the filtered answer arrives (it has the entry too): wait for the
        // filtered list, in which every entry is the admin's, rather than reading the rows mid-reload.
        await expect.poll(async () => (await table.locator("tbody tr").allInnerTexts()).filter((row) => !row.includes(adminName))).toEqual([]);
        await table.getByText("Sent a test message to a webhook endpoint").first().waitFor();
        const rows = await table.locator("tbody tr").allInnerTexts();
        for (const row of rows) expect(row).toContain(adminName);
        const text = await table.innerText();
        expect(text).not.toMatch(/[{}"]|webhook\.tested/);
        expect(text).toMatch(/Status code:?\s*204/);
        await expectAccessible(page, "the filtered audit log");
      });
    } finally {
      receiver.close();
    }
  });
});

describe("the Chinese UI", () => {
  it("walks each page in zh-CN and finds no untranslated Latin words outside names, codes and units", async () => {
    const seed = inject("seed");
    const members = await staffApi<{ items: { name: string }[] }>("GET", "/api/organisation/members");
    const teams = await staffApi<{ items: { name: string }[] }>("GET", "/api/complaint-teams");
    const names = [...members.items.map((m) => m.name), ...teams.items.map((t) => t.name), "Demo"].sort((a, b) => b.length - a.length);
    const complaint = (await staffApi<{ items: { id: string }[] }>("GET", "/api/complaints?limit=1")).items[0]!;
    const found: Record<string, string[]> = {};
    await withContext({ locale: "zh-CN" }, async (page) => {
      const visit = async (path: string, ready: string) => {
        await page.goto(`${origin}${path}`);
        await page.locator(ready).first().waitFor({ timeout: 20_000 });
        const words = await untranslatedWords(page, names);
        if (words.length) found[path] = words;
      };
      await visit("/s/demo-acsi?lang=zh-CN", "form.survey-form");
      await visit("/complaints/new?org=demo&lang=zh-CN", "form");
      await visit("/app/sign-in", "#email");
      await signIn(page, "admin");
      await visit("/app/surveys", "main table tbody tr");
      // The demo survey's own pages: the plan's free text and the survey's hidden-field labels are its author's content (marked data-content).
      const survey = encodeURIComponent(seed.surveyId);
      await visit(`/app/surveys/${survey}`, "#measurement-plan");
      await visit(`/app/surveys/${survey}/responses`, "[data-testid=funnel]");
      await visit(`/app/surveys/${survey}/distribution`, "[data-testid=send-reminders]");
      await visit(`/app/dashboard?survey=${survey}`, "#acsi");
      await visit("/app/complaints", "[data-complaint-id]");
      await visit(`/app/complaints/${complaint.id}`, "[data-testid=complaint-description]");
      await visit("/app/builder", "[data-testid=builder-start]");
      await visit(`/app/surveys/${encodeURIComponent(seed.surveyId)}/builder`, "[data-testid=builder-state]");
      for (const section of ["members", "organisation", "webhooks", "audit", "privacy"]) await visit(`/app/admin/${section}`, "main h1");
      await visit("/app/settings/api-keys", "main h1");
    });
    expect(found).toEqual({});
  }, 120_000);
});
