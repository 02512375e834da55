import type { Email } from "postal-mime";
import { expect, inject, test } from "vitest";
import type { Page } from "playwright-core";
import { launchBrowser } from "./browser";
import { signIn, staffApi } from "./staff";
import { sentMails, waitForMail } from "./mailbox";

/**
 * Issue 13, the e-mail loop end to end against wrangler dev: a customer's e-mail becomes a complaint
 * in the desk, the staff member's question leaves as an e-mail (the simulated send_email binding's
 * .eml, parsed back) whose Reply-To is the complaint's thread address, and the customer's e-mailed
 * answer to it appears on the desk's timeline without the quoted history.
 */
const origin = inject("origin");
const seed = inject("seed");
const mailDir = inject("mailDir");

const run = Date.now().toString(36);
const CUSTOMER = `mail-${run}@example.com`;
const SUBJECT = `打印机卡纸 / printer jams (${run})`;
const COMPLAINT_TEXT = `The printer I bought jams on every second page (${run}).`;
const QUESTION = `Which model and serial number is it (${run})?`;
const ANSWER = `It is the LX-200, serial 55-${run}.`;

/** Hands a raw message to the email() handler through the local endpoint (README "E-mail"). */
async function sendMail(to: string, raw: string): Promise<void> {
  const res = await fetch(`${origin}/__dev/email?from=${encodeURIComponent(CUSTOMER)}&to=${encodeURIComponent(to)}`, {
    method: "POST",
    headers: { "x-seed-key": inject("demoApiKey") },
    body: raw,
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const headerState = (page: Page) => page.locator("h1 + .page-subtitle .badge").first().textContent();

test("a customer's e-mail becomes a complaint, the staff question leaves by e-mail and the e-mailed answer lands on the timeline", { timeout: 90_000 }, async () => {
  expect(seed.complaintEmail).toBe("demo@mail.feedloop.test");
  await sendMail(
    seed.complaintEmail!,
    [
      `From: Zhao Min <${CUSTOMER}>`,
      `To: ${seed.complaintEmail}`,
      `Subject: =?UTF-8?B?${Buffer.from(SUBJECT).toString("base64")}?=`,
      `Message-ID: <first-${run}@example.com>`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      COMPLAINT_TEXT,
      "",
    ].join("\r\n"),
  );
  const list = await staffApi<{ items: { id: string; reference: string; source: string }[] }>("GET", `/api/complaints?q=${encodeURIComponent(CUSTOMER)}`);
  expect(list.items).toHaveLength(1);
  const complaint = list.items[0]!;
  expect(complaint.source).toBe("email");

  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "staff");
    await page.goto(`${origin}/app/complaints?q=${encodeURIComponent(CUSTOMER)}`);
    const row = page.locator(`[data-complaint-id="${complaint.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(SUBJECT);
    await row.locator("a.ref-link").click();
    await page.locator("[data-testid=complaint-description]").waitFor();
    expect(await page.locator("[data-testid=complaint-description]").textContent()).toBe(COMPLAINT_TEXT);

    // Staff take it in hand and ask the customer a question: it leaves as an e-mail in the thread.
    await page.click("[data-transition=acknowledge]");
    await page.click("[data-testid=transition-form] button[type=submit]");
    await expect.poll(() => headerState(page)).toBe("Acknowledged");
    await page.click("[data-transition=request_information]");
    await page.fill("#tf-publicReply", QUESTION);
    await page.click("[data-testid=transition-form] button[type=submit]");
    await expect.poll(() => headerState(page)).toBe("Waiting on customer");

    const question: Email = await waitForMail(mailDir, CUSTOMER, (mail) => (mail.text ?? "").includes(QUESTION), 30_000);
    expect(question.subject).toContain(complaint.reference);
    const replyTo = question.replyTo?.[0]?.address ?? "";
    expect(replyTo).toMatch(new RegExp(`^demo\\+${complaint.reference.toLowerCase()}\\.[a-z2-7]{10}@mail\\.feedloop\\.test$`));
    // In the customer's own thread: it answers their e-mail, under the complaint's stable thread root.
    expect(question.inReplyTo).toBe(`<first-${run}@example.com>`);
    expect(question.references?.split(/\s+/)).toEqual([`<complaint.${complaint.id}@mail.feedloop.test>`, `<first-${run}@example.com>`]);
    // The acknowledgement sent at intake carries the same thread address.
    const acknowledgement = (await sentMails(mailDir)).find((mail) => mail.to?.some((to) => to.address === CUSTOMER) && mail.replyTo?.[0]?.address === replyTo && mail.messageId !== question.messageId);
    expect(acknowledgement, "acknowledgement e-mail with the thread's Reply-To").toBeTruthy();

    // The customer answers from their mail client, quoting the question.
    await sendMail(
      replyTo,
      [
        `From: Zhao Min <${CUSTOMER}>`,
        `To: ${replyTo}`,
        `Subject: Re: ${question.subject}`,
        `Message-ID: <answer-${run}@example.com>`,
        `In-Reply-To: ${question.messageId}`,
        `References: ${question.messageId}`,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        ANSWER,
        "",
        `On ${new Date().toUTCString()}, Feedloop Demo <feedloop@mail.feedloop.test> wrote:`,
        `> ${QUESTION}`,
        "",
      ].join("\r\n"),
    );

    // The desk shows it: the clock runs again and the answer is on the timeline, without the quote.
    await page.reload();
    await expect.poll(() => headerState(page)).toBe("Acknowledged");
    const answer = page.locator(".timeline .event-public_reply.from-customer");
    await answer.waitFor();
    const answerText = (await answer.textContent()) ?? "";
    expect(answerText).toContain(ANSWER);
    expect(answerText).not.toContain(QUESTION);

    // The invitation e-mail editor on the distribution screen (manager): a mistyped placeholder is
    // named, and the preview shows the e-mail with typed markup escaped in the HTML part. Nothing saved.
    await browser.context.clearCookies();
    await signIn(page, "manager");
    await page.goto(`${origin}/app/surveys/${encodeURIComponent(seed.surveyId)}/distribution`);
    const body = page.locator("[data-testid=template-body]");
    await body.waitFor();
    await body.fill("Hi {{nmae}} <b>bold</b>: {{link}}");
    await page.click("[data-testid=template-preview]");
    await expect.poll(() => page.locator("#invitation-template [role=alert]").first().textContent()).toContain("{{nmae}}");
    await body.fill("Hi {{name}} <b>bold</b>: {{link}}");
    await page.click("[data-testid=template-preview]");
    const preview = page.locator("[data-testid=template-preview-result]");
    await preview.waitFor();
    expect(await preview.locator("pre").textContent()).toContain("Hi Alex Chen <b>bold</b>: [personal survey link, added when sent]");
    expect(await preview.locator("iframe").getAttribute("srcdoc")).toContain("Hi Alex Chen &lt;b&gt;bold&lt;/b&gt;:");
  } finally {
    await browser.close();
  }
});
