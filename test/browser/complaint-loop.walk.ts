import { expect, inject, test } from "vitest";
import type { Page } from "playwright-core";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn, staffApi } from "./staff";
import { waitForMail } from "./mailbox";

/**
 * Issue 4, closing the loop end to end: a low-score answer to the demo survey becomes a complaint
 * (queue consumer inside wrangler dev), a staff user works it in the desk, and the customer follows
 * every step on the status page reached through the link in their acknowledgement e-mail.
 */
const origin = inject("origin");
const mailDir = inject("mailDir");

const run = Date.now().toString(36);
const EMAIL = `loop-${run}@example.com`;
const COMPLAINT_TEXT = `The parcel arrived broken and nobody called back (${run}).`;
const ACK_MESSAGE = `Sorry about the broken parcel — we are on it (${run}).`;
const ASSESS_NOTE = `Internal: courier damage suspected (${run}).`;
const INTERNAL_NOTE = `Internal: do not tell the customer about the courier dispute (${run}).`;
const PUBLIC_REPLY = `We checked the delivery and the parcel was damaged in transit (${run}).`;
const ACCEPT_COMMENT = `Thanks, that works for me (${run}).`;
const REMEDY = `Free replacement sent by express and a refund of the shipping fee (${run}).`;

// Low scores everywhere; NPS 2 (detractor), five-level satisfaction 1 (very dissatisfied), complained = yes.
const ANSWERS: Record<string, number | boolean> = {
  ce_overall: 3, ce_custom: 3, ce_reliability: 3,
  pq_overall: 2, pq_custom: 2, pq_reliability: 2,
  pv_price_given_quality: 2, pv_quality_given_price: 2,
  sat_overall: 2, sat_expectations: 2, sat_ideal: 2,
  complained: true,
  loy_repurchase: 2, loy_price_increase: 1, loy_price_decrease: 1, nps: 2, sat_level: 1,
};
const TEXTS: Record<string, string> = { complaint_detail: COMPLAINT_TEXT, comment: "Please fix your delivery." };

/** Clicks through a survey page by page (visible radio labels, text areas), until the thank-you page. */
async function answerSurvey(page: Page, answers: Record<string, number | boolean>, texts: Record<string, string>) {
  for (let step = 0; step < 10; step++) {
    const form = page.locator("form.survey-form");
    if ((await form.count()) === 0) break;
    const names = await page.$$eval("form.survey-form input[type=radio]", (inputs) => [...new Set(inputs.map((i) => (i as HTMLInputElement).name))]);
    for (const name of names) {
      const value = answers[name];
      if (value === undefined) continue;
      const wanted = typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
      await page.locator(`label:has(input[name="${name}"][value="${wanted}"])`).click();
    }
    // Text areas, including conditional ones revealed by the answers just given.
    for (const [name, value] of Object.entries(texts)) {
      const area = page.locator(`form.survey-form textarea[name="${name}"]`);
      if ((await area.count()) > 0 && (await area.isVisible())) await area.fill(value);
    }
    await page.locator("form.survey-form button.primary").click();
    await page.waitForLoadState("load");
  }
  expect(await page.locator("h1").first().textContent()).toBe("Thank you!");
}

type StatusView = { state: string; currentStep: string; text: string; timeline: string[] };

/** What the customer sees on their status page right now (a fresh load, as a customer would). */
async function statusPage(page: Page, url: string): Promise<StatusView> {
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  const stateClass = (await page.locator(".facts strong.state").getAttribute("class")) ?? "";
  return {
    state: /state-([a-z_]+)/.exec(stateClass)?.[1] ?? "",
    currentStep: ((await page.locator(".steps li[aria-current=step]").textContent()) ?? "").trim(),
    text: (await page.locator("main, body").first().innerText()) ?? "",
    // The customer's timeline: "team: <text>" / "customer: <text>" for messages, "<label>" for stage changes (sorted: events
    // of one step share a timestamp). Any extra entry, e.g. a leaked internal note, changes this list.
    timeline: (
      await page.locator(".timeline .entry").evaluateAll((items) =>
        items.map((li) =>
          li.classList.contains("reply")
            ? `${li.classList.contains("from-customer") ? "customer" : "team"}: ${li.querySelector(".message-text")?.textContent ?? ""}`
            : (li.querySelector(".meta")?.textContent ?? "").split(" · ")[0]!.trim(),
        ),
      )
    ).sort(),
  };
}

const headerState = (page: Page) => page.locator("h1 + .page-subtitle .badge").first().textContent();

test(
  "a low-score survey answer becomes a complaint that staff acknowledge, answer and close, and the customer follows each step",
  async () => {
    const surveys = await staffApi<{ items: { id: string; slug: string }[] }>("GET", "/api/surveys");
    const demo = surveys.items.find((s) => s.slug === "demo-acsi")!;
    // The demo survey asks for no contact details: a personal invitation carries the customer's e-mail.
    const invitation = await staffApi<{ items: { url: string }[] }>("POST", `/api/surveys/${demo.id}/invitations`, {
      invitations: [{ email: EMAIL, hidden: { touchpoint: "web", region: `loop-${run}` } }],
    });
    const invitationUrl = new URL(invitation.items[0]!.url);
    expect(invitationUrl.origin).toBe(origin);

    const customer = await launchBrowser({ width: 390, height: 844, locale: "en" });
    const staff = await launchBrowser();
    try {
      // 1. The customer answers the survey with low scores and a complaint.
      const cpage = await customer.context.newPage();
      await cpage.goto(`${invitationUrl.href}&lang=en`);
      await answerSurvey(cpage, ANSWERS, TEXTS);

      // 2. The queue consumer turns the response into a complaint.
      type Listed = { id: string; reference: string; state: string; source: string; priority: string };
      let listed: Listed | undefined;
      await expect
        .poll(
          async () => {
            const list = await staffApi<{ items: Listed[] }>("GET", `/api/complaints?q=${encodeURIComponent(EMAIL)}`);
            listed = list.items[0];
            return list.items.length;
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBe(1);
      const complaint = await staffApi<{
        id: string;
        reference: string;
        state: string;
        source: string;
        priority: string;
        description: string;
        contact: { email: string | null; anonymous: boolean };
        sourceResponseId: string | null;
        segment: Record<string, unknown>;
      }>("GET", `/api/complaints/${listed!.id}`);
      expect(complaint.state).toBe("received");
      expect(complaint.source).toBe("survey_trigger");
      expect(complaint.priority).toBe("high"); // very dissatisfied (1 of 5)
      expect(complaint.contact).toMatchObject({ email: EMAIL, anonymous: false });
      expect(complaint.sourceResponseId).toBeTruthy();
      expect(complaint.description).toContain(COMPLAINT_TEXT);
      expect(complaint.segment.region).toBe(`loop-${run}`);

      // The customer's way in: the link in the acknowledgement e-mail, as it left through the EMAIL
      // binding (Miniflare's .eml file). Staff see the same e-mail in the outbox without the link.
      type Outbox = { items: { kind: string; eventType: string; recipient: string; status: string; payload: { text?: string } }[] };
      const ackMail = await waitForMail(mailDir, EMAIL, (email) => (email.subject ?? "").includes(complaint.reference));
      const linkMatch = /https?:\/\/\S+\/complaints\/status\/\S+/.exec(ackMail.text ?? "");
      expect(linkMatch, ackMail.text).toBeTruthy();
      const statusUrl = linkMatch![0];
      expect(statusUrl.startsWith(`${origin}/complaints/status/${complaint.reference}?k=`)).toBe(true);
      const secret = new URL(statusUrl).searchParams.get("k")!;
      const outbox = await staffApi<Outbox>("GET", `/api/outbox?kind=email&complaintId=${complaint.id}`);
      const ack = outbox.items.find((m) => m.eventType === "complaint.acknowledgement");
      expect(ack, JSON.stringify(outbox.items.map((m) => m.eventType))).toBeTruthy();
      expect(ack!.recipient).toBe(EMAIL);
      expect(ack!.payload.text).toContain(complaint.reference);
      expect(JSON.stringify(outbox)).not.toContain(secret);

      // 3. The customer opens the link: stage "received".
      let view = await statusPage(cpage, statusUrl);
      expect(view.state).toBe("received");
      expect(view.currentStep).toBe("Received");
      expect(await cpage.locator("h1").textContent()).toContain(complaint.reference);
      const seen = ["Complaint sent"];
      await expectAccessible(cpage, "the complaint status page");
      expect(view.timeline).toEqual([...seen].sort());

      // 4. Staff work the complaint in the desk.
      const spage = await staff.context.newPage();
      const dialogs: string[] = [];
      spage.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await signIn(spage, "staff");
      await spage.goto(`${origin}/app/complaints?q=${encodeURIComponent(complaint.reference)}`);
      const row = spage.locator(`[data-complaint-id="${complaint.id}"]`);
      await row.waitFor();
      await row.locator("a.ref-link").click();
      await spage.waitForURL((url) => url.pathname === `/app/complaints/${complaint.id}`);
      await spage.locator("[data-testid=complaint-description]").waitFor();
      expect(await spage.locator("[data-testid=complaint-description]").textContent()).toContain(COMPLAINT_TEXT);
      expect(await headerState(spage)).toBe("Received");

      // Acknowledge with a personal message to the customer.
      await spage.click("[data-transition=acknowledge]");
      await spage.fill("#tf-message", ACK_MESSAGE);
      await expectAccessible(spage, "the acknowledge form");
      await spage.click("[data-testid=transition-form] button[type=submit]");
      await expect.poll(() => headerState(spage)).toBe("Acknowledged");
      view = await statusPage(cpage, statusUrl);
      expect(view.state).toBe("acknowledged");
      expect(view.currentStep).toBe("Acknowledged");
      expect(view.text).toContain(ACK_MESSAGE);
      seen.push("Status: Acknowledged", `team: ${ACK_MESSAGE}`);
      expect(view.timeline).toEqual([...seen].sort());

      // Assess: priority and category (with an internal note).
      await spage.click("[data-transition=assess]");
      await spage.selectOption("#tf-priority", "urgent");
      await spage.selectOption("#tf-category", "delivery");
      await spage.fill("#tf-note", ASSESS_NOTE);
      await spage.click("[data-testid=transition-form] button[type=submit]");
      await expect.poll(() => headerState(spage)).toBe("Assessed");
      view = await statusPage(cpage, statusUrl);
      expect(view.state).toBe("assessed");
      expect(view.currentStep).toBe("Assessed");
      expect(view.text).not.toContain(ASSESS_NOTE);
      seen.push("Status: Assessed");
      expect(view.timeline).toEqual([...seen].sort());

      // Investigating, and an internal note from the composer.
      await spage.click("[data-transition=start_investigation]");
      await spage.click("[data-testid=transition-form] button[type=submit]");
      await expect.poll(() => headerState(spage)).toBe("Investigating");
      await spage.click("#composer [data-mode=note]");
      await spage.fill("#composer-text", INTERNAL_NOTE);
      await spage.click("#composer button[type=submit]");
      const note = spage.locator(".timeline .event-note", { hasText: INTERNAL_NOTE });
      await note.waitFor();
      expect(await note.getAttribute("class")).toContain("event-internal");
      view = await statusPage(cpage, statusUrl);
      expect(view.state).toBe("investigating");
      expect(view.currentStep).toBe("Being investigated");
      expect(view.text).not.toContain(INTERNAL_NOTE);
      expect(view.text).not.toContain(ASSESS_NOTE);
      seen.push("Status: Being investigated");
      expect(view.timeline).toEqual([...seen].sort());

      // Respond with a public reply and a proposed remedy.
      await spage.click("[data-transition=respond]");
      await spage.fill("#tf-publicReply", PUBLIC_REPLY);
      await spage.fill("#tf-proposedRemedy", REMEDY);
      await spage.click("[data-testid=transition-form] button[type=submit]");
      await expect.poll(() => headerState(spage)).toBe("Responded");
      view = await statusPage(cpage, statusUrl);
      expect(view.state).toBe("responded");
      expect(view.currentStep).toBe("Answered — waiting for your decision");
      expect(view.text).toContain(PUBLIC_REPLY);
      expect(await cpage.locator(".remedy .message-text").textContent()).toBe(REMEDY);
      await expectAccessible(cpage, "the status page with a remedy to decide on");
      expect(view.text).not.toContain(INTERNAL_NOTE);
      expect(view.text).not.toContain(ASSESS_NOTE);
      seen.push("Status: Answered — waiting for your decision", `team: ${PUBLIC_REPLY}`);
      expect(view.timeline).toEqual([...seen].sort());

      // The update e-mail for the remedy carries the same link.
      const remedyMail = await waitForMail(mailDir, EMAIL, (email) => (email.text ?? "").includes(REMEDY));
      expect(remedyMail.text).toContain(statusUrl);
      const updates = await staffApi<Outbox>("GET", `/api/outbox?kind=email&complaintId=${complaint.id}`);
      expect(updates.items.some((m) => m.recipient === EMAIL && (m.payload.text ?? "").includes(REMEDY))).toBe(true);
      expect(updates.items.every((m) => !(m.payload.text ?? "").includes(INTERNAL_NOTE))).toBe(true);

      // 5. The customer accepts the remedy (plain form POST): closed, with the handling survey offered.
      await cpage.fill("#field-comment", ACCEPT_COMMENT);
      await Promise.all([cpage.waitForURL((url) => url.searchParams.get("done") === "accept"), cpage.click(".remedy form:has(input[value=accept]) button[type=submit]")]);
      expect(await cpage.locator(".notice[role=status]").isVisible()).toBe(true);
      expect(await cpage.locator(".facts strong.state").getAttribute("class")).toContain("state-closed");
      const surveyLink = cpage.locator(".survey-invite a.button");
      expect(await surveyLink.count()).toBe(1);
      const handlingUrl = (await surveyLink.getAttribute("href"))!;
      expect(handlingUrl.startsWith(`${origin}/s/`)).toBe(true);
      await expectAccessible(cpage, "the status page after accepting");
      // The same survey link went to the customer by e-mail (rendered when sent; the outbox names it only).
      const surveyMail = await waitForMail(mailDir, EMAIL, (email) => (email.text ?? "").includes("/s/"));
      expect(surveyMail.text).toContain(handlingUrl);
      const afterClose = await staffApi<Outbox>("GET", `/api/outbox?kind=email&complaintId=${complaint.id}`);
      const surveyRow = afterClose.items.find((m) => m.eventType === "complaint.handling_survey");
      expect(surveyRow?.recipient).toBe(EMAIL);
      expect(surveyRow?.payload.text).toContain("[personal survey link, added when sent]");

      // Staff see the close on reload; only "reopen" is left.
      await spage.reload();
      await expect.poll(() => headerState(spage)).toBe("Closed");
      expect(await spage.locator("[data-transition]").evaluateAll((els) => els.map((e) => e.getAttribute("data-transition")))).toEqual(["reopen"]);

      // The customer answers the short handling survey; its result attaches to the complaint.
      await surveyLink.click();
      await cpage.waitForLoadState("load");
      await answerSurvey(cpage, { csat: 4, ces: 6, resolved: true }, { comment: "Quick and fair." });
      type Detail = { state: string; resolution: { outcome?: string } | null; handlingSurvey: { responseId: string | null; csat: number | null; ces: number | null; resolved: boolean | null } };
      let detail: Detail | undefined;
      await expect
        .poll(
          async () => {
            detail = await staffApi<Detail>("GET", `/api/complaints/${complaint.id}`);
            return detail.handlingSurvey.responseId;
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBeTruthy();
      expect(detail!.state).toBe("closed");
      expect(detail!.resolution?.outcome).toBe("accepted");
      expect(detail!.handlingSurvey).toMatchObject({ csat: 4, ces: 6, resolved: true });
      // Both staff notes are internal on the complaint's own timeline.
      const full = await staffApi<{ timeline: { type: string; visibility: string; data: { text?: string } }[] }>("GET", `/api/complaints/${complaint.id}`);
      for (const text of [ASSESS_NOTE, INTERNAL_NOTE]) {
        const events = full.timeline.filter((e) => e.data.text === text);
        expect(events.length, text).toBe(1);
        expect(events[0]!.visibility).toBe("internal");
      }

      // The status page now thanks the customer instead of offering the survey again.
      view = await statusPage(cpage, statusUrl);
      expect(view.state).toBe("closed");
      expect(await cpage.locator(".survey-invite a.button").count()).toBe(0);
      expect(view.text).not.toContain(INTERNAL_NOTE);
      seen.push("Status: Closed", `customer: ${ACCEPT_COMMENT}`);
      expect(view.timeline).toEqual([...seen].sort());
      expect(dialogs).toEqual([]);
    } finally {
      await staff.close();
      await customer.close();
    }
  },
  90_000,
);
