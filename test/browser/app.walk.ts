import { expect, inject, test } from "vitest";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn, staffApi } from "./staff";

const origin = inject("origin");
const seed = inject("seed");

const PAYLOAD = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;

test("a <script> text answer is shown as text, never executed, in the responses view", async () => {
  const survey = await staffApi<{ id: string; slug: string }>("POST", "/api/surveys", { slug: `xss-${Date.now().toString(36)}`, template: "csat" });
  await staffApi("POST", `/api/surveys/${survey.id}/publish`);
  const submit = await fetch(`${origin}/api/public/surveys/${survey.slug}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ submissionId: `xss-test-${Date.now()}`, answers: { csat: 2, csat_reason: PAYLOAD }, complete: true }),
  });
  expect(submit.status, await submit.clone().text()).toBe(201);

  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, "viewer");
    await page.goto(`${origin}/app/surveys/${survey.id}/responses`);
    const cell = page.locator("[data-testid=response-text]").first();
    await cell.waitFor({ timeout: 20_000 });
    expect((await cell.textContent())?.trim()).toBe(PAYLOAD);
    await expectAccessible(page, "the responses view");
    // No element was created from the text.
    expect(await page.locator("[data-testid=responses-table] script, [data-testid=responses-table] img").count()).toBe(0);

    // The detail drawer shows the full text, also as text.
    await page.locator("[data-testid=responses-table] tbody tr").first().locator("button").click();
    const detail = page.locator("[data-testid=response-detail]");
    await detail.waitFor();
    expect(await detail.locator(".answer-text").first().textContent()).toBe(PAYLOAD);
    expect(await detail.locator("script, img").count()).toBe(0);
    await expectAccessible(page, "the response detail drawer");

    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    // A viewer may read responses but has no export link (export needs manager).
    expect(await page.locator("a[href*='export.csv']").count()).toBe(0);
  } finally {
    await browser.close();
  }
});

test("sign-in errors are shown next to the fields and as a message; the app needs a session", async () => {
  const browser = await launchBrowser({ locale: "zh-CN" });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${origin}/app/surveys`);
    // Not signed in: sent to the sign-in page, remembering where to go back.
    await page.waitForURL((url) => url.pathname === "/app/sign-in");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/app/surveys");
    // Default language from the browser.
    expect(await page.locator("h1").textContent()).toBe("登录");
    await page.click("button[type=submit]");
    expect(await page.locator("#email-error").textContent()).toBeTruthy();
    expect(await page.locator("#email").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "the sign-in form with errors");
    await page.fill("#email", "manager@demo.feedloop.test");
    await page.fill("#password", "wrong-password");
    await page.click("button[type=submit]");
    await page.locator("[role=alert]").waitFor();
    expect(await page.locator("[role=alert]").textContent()).toContain("邮箱或密码不正确");
    await page.fill("#password", seed.password);
    await page.click("button[type=submit]");
    await page.waitForURL((url) => url.pathname === "/app/surveys");
  } finally {
    await browser.close();
  }
});

test("the complaint desk: keyboard to open and acknowledge, only legal steps offered, note vs reply, close", async () => {
  const subject = `Desk test ${Date.now().toString(36)}`;
  const created = await staffApi<{ id: string; reference: string }>("POST", "/api/complaints", {
    subject,
    description: "Charged twice <img src=x onerror=alert(1)>",
    source: "phone",
    priority: "urgent",
    category: "billing",
    contact: { name: "Test Customer", email: "desk-test@example.com" },
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, "staff");
    // Staff start at the desk.
    expect(new URL(page.url()).pathname).toBe("/app/complaints");
    await page.goto(`${origin}/app/complaints?q=${encodeURIComponent(subject)}`);
    const row = page.locator(`[data-complaint-id="${created.id}"]`);
    await row.waitFor();
    expect(await page.locator("[data-testid=count-received]").textContent()).toBe("1");
    await expectAccessible(page, "the complaint desk");

    // j/k move the selection; Enter opens the selected complaint.
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === `/app/complaints/${created.id}`);
    await page.locator("[data-testid=complaint-description]").waitFor();
    expect(await page.locator("[data-testid=complaint-description]").textContent()).toBe("Charged twice <img src=x onerror=alert(1)>");
    await expectAccessible(page, "a received complaint");

    // Only the legal step from "received" is offered.
    expect(await page.locator("[data-transition]").evaluateAll((els) => els.map((e) => e.getAttribute("data-transition")))).toEqual(["acknowledge"]);
    // "a" asks like the button does: the acknowledge form opens, Enter in it confirms.
    await page.keyboard.press("a");
    await page.locator("[data-testid=transition-form]").waitFor();
    await page.click("[data-testid=transition-form] button[type=submit]");
    await expect.poll(async () => page.locator("[data-transition]").evaluateAll((els) => els.map((e) => e.getAttribute("data-transition")))).not.toContain("acknowledge");
    expect(await page.locator("h1 + .page-subtitle .badge").first().textContent()).toBe("Acknowledged");

    // Assess: required fields are checked next to the fields.
    await page.click("[data-transition=assess]");
    await page.selectOption("#tf-priority", "");
    await page.click("[data-testid=transition-form] button[type=submit]");
    expect(await page.locator("#tf-priority-error").textContent()).toBeTruthy();
    await expectAccessible(page, "the assess form with an error");
    await page.selectOption("#tf-priority", "high");
    await page.click("[data-testid=transition-form] button[type=submit]");
    await page.locator("[data-transition=respond]").waitFor();

    // "n" writes an internal note, Ctrl+Enter sends it; it is marked internal on the timeline.
    await page.locator("h1").click();
    await page.keyboard.press("n");
    await page.keyboard.type("Checked the payment log <b>twice</b>");
    await page.keyboard.press("Control+Enter");
    const note = page.locator(".timeline .event-note").first();
    await note.waitFor();
    expect(await note.locator(".free-text").textContent()).toBe("Checked the payment log <b>twice</b>");
    expect(await note.getAttribute("class")).toContain("event-internal");

    // Respond with a remedy, then close as accepted.
    await page.click("[data-transition=respond]");
    await page.fill("#tf-publicReply", "We refunded the second charge.");
    await page.fill("#tf-proposedRemedy", "Refund of the duplicate payment");
    await page.click("[data-testid=transition-form] button[type=submit]");
    await page.locator("[data-transition=close]").waitFor();
    const reply = page.locator(".timeline .event-public_reply").first();
    expect(await reply.getAttribute("class")).toContain("event-public");
    await page.click("[data-transition=close]");
    await page.click("[data-testid=transition-form] button[type=submit]");
    await expect.poll(async () => page.locator("[data-transition]").evaluateAll((els) => els.map((e) => e.getAttribute("data-transition")))).toEqual(["reopen"]);

    const api = await staffApi<{ state: string; timeline: { type: string; visibility: string }[] }>("GET", `/api/complaints/${created.id}`);
    expect(api.state).toBe("closed");
    expect(api.timeline.find((e) => e.type === "note")?.visibility).toBe("internal");
    expect(dialogs).toEqual([]);
  } finally {
    await browser.close();
  }
});
