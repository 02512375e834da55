import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";

let org: TestOrg;

beforeAll(async () => {
  org = await createTestOrg("pages-a");
});

function form(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": `10.9.${Math.floor(Math.random() * 250)}.1`, ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

/** The hidden fields of the rendered form, as a browser without JavaScript would send them back. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[match[1]!] = match[2]!.replace(/&amp;/g, "&");
  return fields;
}

function statusLinkIn(html: string): { path: string; reference: string; secret: string } {
  const match = /href="(?:https?:\/\/[^/"]+)?(\/complaints\/status\/(FL-\d{4}-\d{6})\?k=([A-Za-z0-9_-]+))(?:&amp;lang=[^"]*)?"/.exec(html);
  if (!match) throw new Error("no status link in the page");
  return { path: match[1]!, reference: match[2]!, secret: match[3]! };
}

async function fileComplaint(extra: Record<string, string> = {}, query = "org=pages-a&lang=en") {
  const page = await call(`/complaints/new?${query}`);
  const fields = hiddenFields(await page.text());
  const res = await call(
    "/complaints/new",
    form({ ...fields, name: "Chen Jing", email: "chen@example.com", category: "delivery", description: "The washing machine arrived with a broken door.", remedy: "Replace it", ...extra }),
  );
  const html = await res.text();
  return { res, html, fields };
}

async function staffMove(complaintId: string, body: Record<string, unknown>) {
  const res = await call(`/api/complaints/${complaintId}/transitions`, json("POST", body, bearer(org.keys.staff)));
  expect(res.status, await res.clone().text()).toBe(200);
}

async function complaintByReference(reference: string) {
  return (await env.DB.prepare("select id, state, source, contact_email, desired_remedy, touchpoint from complaints where reference = ? and organization_id = ?").bind(reference, org.organizationId).first<Record<string, string>>())!;
}

describe("the public complaint form (no JavaScript)", () => {
  it("renders an accessible bilingual form without inline scripts or styles", async () => {
    const zh = await call("/complaints/new?org=pages-a", { headers: { "accept-language": "zh-CN,zh;q=0.9" } });
    expect(zh.status).toBe(200);
    expect(zh.headers.get("content-type")).toContain("text/html");
    expect(zh.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await zh.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("发生了什么？");
    expect(html).toMatch(/<fieldset[^>]*><legend>您的联系方式<\/legend>/);
    expect(html).toContain('<label for="field-description">');
    expect(html).not.toMatch(/<script|style=/);
    const en = await (await call("/complaints/new?org=pages-a&lang=en")).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("What happened?");
    // Styled by the pages' one stylesheet file, a static asset (web/public/pages.css), not by the Worker.
    expect(html).toContain('<link rel="stylesheet" href="/pages.css"/>');
    expect(html).toContain('<main class="complaint" id="main">');
  });

  it("re-renders the form with an error summary and the values kept", async () => {
    const { res, html } = await fileComplaint({ description: "   ", email: "", phone: "", name: "Chen Jing" });
    expect(res.status).toBe(422);
    expect(html).toMatch(/<div class="error-summary" role="alert"/);
    expect(html).toContain('<a href="#field-description">Tell us what happened.</a>');
    expect(html).toContain('<a href="#field-email">Give an e-mail address or a phone number');
    expect(html).toMatch(/id="field-description"[^>]*aria-invalid="true"/);
    expect(html).toContain('value="Chen Jing"');
    const bad = await fileComplaint({ email: "chen@", category: "weather" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain("Enter a valid e-mail address");
    expect(bad.html).toContain("Choose a category from the list.");
  });

  it("acknowledges with the reference, the promised deadline and the private status link — once per submission", async () => {
    const { res, html, fields } = await fileComplaint({}, "org=pages-a&lang=en&touchpoint=store");
    expect(res.status).toBe(200);
    expect(html).toContain("We have received your complaint");
    const link = statusLinkIn(html);
    expect(html).toContain("We promise to resolve it by");
    const stored = await complaintByReference(link.reference);
    expect(stored).toMatchObject({ source: "complaint_form", state: "received", contact_email: "chen@example.com", desired_remedy: "Replace it", touchpoint: "store" });
    // The browser sends the same form again (double click, back + resubmit): same complaint, same link.
    const again = await call(
      "/complaints/new",
      form({ ...fields, name: "Chen Jing", email: "chen@example.com", category: "delivery", description: "The washing machine arrived with a broken door." }),
    );
    expect(statusLinkIn(await again.text()).reference).toBe(link.reference);
    const count = await env.DB.prepare("select count(*) as n from complaints where intake_key = ?").bind(`form:${fields.submission}`).first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it("accepts anonymous complaints and answers unknown organisations with 404", async () => {
    const { res, html } = await fileComplaint({ anonymous: "1", email: "", name: "", phone: "" });
    expect(res.status).toBe(200);
    const stored = await complaintByReference(statusLinkIn(html).reference);
    expect(stored.contact_email).toBeNull();
    expect((await call("/complaints/new?org=no-such-org")).status).toBe(404);
    expect((await call("/complaints/new", form({ org: "no-such-org", description: "x", lang: "en" }))).status).toBe(404);
  });
});

describe("the customer's status page", () => {
  it("needs the secret: a wrong or missing secret is a 404 that reveals nothing", async () => {
    const { html } = await fileComplaint();
    const link = statusLinkIn(html);
    expect((await call(link.path)).status).toBe(200);
    const wrong = await call(`/complaints/status/${link.reference}?k=${"A".repeat(43)}`);
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).not.toContain(link.reference);
    expect((await call(`/complaints/status/${link.reference}`)).status).toBe(404);
    expect((await call(`/complaints/status/FL-2026-999999?k=${link.secret}`)).status).toBe(404);
    const post = await call(`/complaints/status/${link.reference}`, form({ k: "A".repeat(43), action: "reply", message: "hello" }));
    expect(post.status).toBe(404);
    const events = await env.DB.prepare("select count(*) as n from complaint_events where complaint_id = (select id from complaints where reference = ? and organization_id = ?) and type = 'public_reply'").bind(link.reference, org.organizationId).first<{ n: number }>();
    expect(events!.n).toBe(0);
  });

  it("shows each step; the customer replies, rejects, accepts and is invited to rate the handling", async () => {
    const { html } = await fileComplaint();
    const link = statusLinkIn(html);
    const { id } = await complaintByReference(link.reference);
    const page = async () => (await call(`${link.path}&lang=en`)).text();
    expect(await page()).toMatch(/<strong class="state state-received">Received<\/strong>/);

    await staffMove(id, { to: "acknowledged", message: "We are sorry — we will look into it today." });
    let view = await page();
    expect(view).toContain("Acknowledged");
    expect(view).toContain("We are sorry — we will look into it today.");

    // Reply without JavaScript: form POST, then 303 back to the page.
    const reply = await call(`/complaints/status/${link.reference}`, form({ k: link.secret, lang: "en", action: "reply", message: "The door hinge is cracked, photo available." }));
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toMatch(new RegExp(`^/complaints/status/${link.reference}\\?k=${link.secret}&lang=en&done=reply$`));
    view = await (await call(reply.headers.get("location")!)).text();
    expect(view).toContain("Your message has been sent.");
    expect(view).toContain("The door hinge is cracked, photo available.");
    const empty = await call(`/complaints/status/${link.reference}`, form({ k: link.secret, lang: "en", action: "reply", message: "" }));
    expect(empty.status).toBe(422);
    expect(await empty.text()).toMatch(/role="alert"/);

    await staffMove(id, { to: "assessed", priority: "normal", category: "delivery" });
    await staffMove(id, { to: "responded", publicReply: "We will replace the machine.", proposedRemedy: "Free replacement delivered within 3 days" });
    view = await page();
    expect(view).toContain("Free replacement delivered within 3 days");
    expect(view).toContain('name="action" value="accept"');

    const reject = await call(`/complaints/status/${link.reference}`, form({ k: link.secret, lang: "en", action: "reject", reason: "I would rather have a refund." }));
    expect(reject.status).toBe(303);
    expect((await complaintByReference(link.reference)).state).toBe("investigating");
    // Accepting now is not possible: the page says so (409) and nothing changes.
    const tooEarly = await call(`/complaints/status/${link.reference}`, form({ k: link.secret, lang: "en", action: "accept" }));
    expect(tooEarly.status).toBe(409);
    expect((await complaintByReference(link.reference)).state).toBe("investigating");

    await staffMove(id, { to: "responded", publicReply: "We will refund you in full.", proposedRemedy: "Full refund of 2,999 CNY" });
    const accept = await call(`/complaints/status/${link.reference}`, form({ k: link.secret, lang: "en", action: "accept", comment: "Thank you." }));
    expect(accept.status).toBe(303);
    view = await (await call(accept.headers.get("location")!)).text();
    expect(view).toContain("Thank you! This complaint is now closed.");
    expect(view).toMatch(/class="state state-closed">Closed/);
    // The customer's personal handling-survey link, derived when the page is shown (not stored), and it works.
    const surveyHref = /href="([^"]*\/s\/pages-a-complaint-handling\?lang=en&amp;t=[^"]+)"/.exec(view)?.[1];
    expect(surveyHref).toBeTruthy();
    const surveyUrl = new URL(surveyHref!.replace(/&amp;/g, "&"));
    expect((await call(surveyUrl.pathname + surveyUrl.search)).status).toBe(200);
    expect(view).toContain('name="action" value="reopen"');
    // Internal notes never reach the customer.
    await call(`/api/complaints/${id}/notes`, json("POST", { text: "INTERNAL: supplier batch 7 faulty" }, bearer(org.keys.staff)));
    expect(await page()).not.toContain("INTERNAL");

    const reopen = await call(`/complaints/status/${link.reference}`, form({ k: link.secret, lang: "en", action: "reopen", reason: "The refund never arrived." }));
    expect(reopen.status).toBe(303);
    expect((await complaintByReference(link.reference)).state).toBe("reopened");
    const timeline = await env.DB.prepare("select actor_kind, type from complaint_events where complaint_id = ? and actor_kind = 'customer'").bind(id).all<{ type: string }>();
    expect(timeline.results.map((e) => e.type)).toEqual(expect.arrayContaining(["public_reply", "state_changed"]));
  });

  it("returns a waiting complaint to its previous state when the customer answers", async () => {
    const { html } = await fileComplaint();
    const link = statusLinkIn(html);
    const { id } = await complaintByReference(link.reference);
    await staffMove(id, { to: "acknowledged" });
    await staffMove(id, { to: "waiting_on_customer", publicReply: "Which store did you buy it in?" });
    const view = await (await call(`${link.path}&lang=en`)).text();
    expect(view).toContain("Waiting for your reply");
    expect(view).toContain("paused while we wait for your reply");
    const reply = await call(`/complaints/status/${link.reference}`, form({ k: link.secret, lang: "zh-CN", action: "reply", message: "北京西单店" }));
    expect(reply.status).toBe(303);
    expect((await complaintByReference(link.reference)).state).toBe("acknowledged");
    const zh = await (await call(reply.headers.get("location")!)).text();
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain("您的消息已发送。");
  });
});

describe("files sent with a staff reply", () => {
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

  async function replyWith(complaintId: string, parts: { text?: string; files: File[] }) {
    const body = new FormData();
    if (parts.text !== undefined) body.set("text", parts.text);
    for (const file of parts.files) body.append("files", file);
    return call(`/api/complaints/${complaintId}/replies`, { method: "POST", headers: bearer(org.keys.staff), body });
  }

  it("reach the customer's status page with the status link's secret, and staff from the timeline", async () => {
    const { html } = await fileComplaint();
    const link = statusLinkIn(html);
    const { id } = await complaintByReference(link.reference);
    const sent = await replyWith(id, { text: "Here is the <b>repair</b> form and a photo.", files: [new File([PNG], "photo <1>.png", { type: "image/png" }), new File(["Repair form\n"], "form.txt", { type: "text/plain" })] });
    expect(sent.status, await sent.clone().text()).toBe(200);
    const detail = (await sent.json()) as { complaint: { timeline: { type: string; data: { text: string; attachments?: { id: string; filename: string; size: number }[] } }[] } };
    const reply = detail.complaint.timeline.find((entry) => entry.type === "public_reply" && entry.data.attachments);
    expect(reply?.data.attachments?.map((file) => [file.filename, file.size])).toEqual([["photo <1>.png", PNG.byteLength], ["form.txt", 12]]);
    const [photo, text] = reply!.data.attachments!;
    // The customer's e-mail names the files and sends them to the status page (never as e-mail attachments).
    const mail = await env.DB.prepare("select payload from outbox where complaint_id = ? and event_type = 'complaint.update' order by created_at desc limit 1").bind(id).first<{ payload: string }>();
    expect(JSON.parse(mail!.payload).text).toContain("Files sent with this reply (download them from the page at the link below):\n- photo <1>.png\n- form.txt");

    const staffDownload = await call(`/api/complaints/${id}/attachments/${photo!.id}`, { headers: bearer(org.keys.staff) });
    expect(staffDownload.status).toBe(200);
    expect(new Uint8Array(await staffDownload.arrayBuffer())).toEqual(PNG);

    const page = await (await call(`${link.path}&lang=en`)).text();
    expect(page).toContain(">photo &lt;1>.png</a>");
    expect(page).not.toContain("photo <1>");
    const hrefs = [...page.matchAll(/href="(\/complaints\/status\/[^"]+\/files\/[^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, "&"));
    expect(hrefs).toHaveLength(2);
    const customerDownload = await call(hrefs[1]!);
    expect(customerDownload.status).toBe(200);
    expect(customerDownload.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''form.txt");
    expect(customerDownload.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await customerDownload.text()).toBe("Repair form\n");
    expect(hrefs[1]).toContain(text!.id);

    // The secret is the capability: without it, or with another, the file is a 404 page.
    const withoutSecret = await call(`/complaints/status/${link.reference}/files/${photo!.id}`);
    expect(withoutSecret.status).toBe(404);
    const wrongSecret = await call(`/complaints/status/${link.reference}/files/${photo!.id}?k=not-the-secret`);
    expect(wrongSecret.status).toBe(404);
  });

  it("refuses files it will not send with a problem naming the file, and stores nothing then", async () => {
    const { html } = await fileComplaint();
    const { id } = await complaintByReference(statusLinkIn(html).reference);
    const before = await env.ATTACHMENTS.list({ prefix: `complaints/${org.organizationId}/` });

    const executable = await replyWith(id, { text: "Run this", files: [new File(["MZ"], "fix.exe", { type: "application/x-msdownload" })] });
    expect(executable.status).toBe(415);
    expect(executable.headers.get("content-type")).toContain("application/problem+json");
    expect(((await executable.json()) as { detail: string }).detail).toContain("fix.exe");

    const large = await replyWith(id, { text: "Too big", files: [new File([new Uint8Array(5 * 1024 * 1024 + 1)], "scan.pdf", { type: "application/pdf" })] });
    expect(large.status).toBe(413);
    expect(((await large.json()) as { detail: string }).detail).toContain("scan.pdf");

    const many = await replyWith(id, { text: "Six", files: Array.from({ length: 6 }, (_, i) => new File(["x"], `note-${i}.txt`, { type: "text/plain" })) });
    expect(many.status).toBe(422);

    const noText = await replyWith(id, { files: [new File([PNG], "photo.png", { type: "image/png" })] });
    expect(noText.status).toBe(422);

    // Nothing stored for any refusal, and no reply written.
    const after = await env.ATTACHMENTS.list({ prefix: `complaints/${org.organizationId}/` });
    expect(after.objects.length).toBe(before.objects.length);
    const replies = await env.DB.prepare("select count(*) as n from complaint_events where complaint_id = ? and type = 'public_reply'").bind(id).first<{ n: number }>();
    expect(replies!.n).toBe(0);
  });

  it("go with the reply when the reply cannot be written (a complaint of another organisation)", async () => {
    const other = await createTestOrg("pages-files-b");
    const created = await call("/api/complaints", json("POST", { subject: "Not yours", description: "Another organisation's complaint", contact: { email: "b@example.com" } }, bearer(other.keys.staff)));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const before = await env.ATTACHMENTS.list({ prefix: `complaints/${org.organizationId}/` });
    const refused = await replyWith(id, { text: "Wrong desk", files: [new File([PNG], "lost.png", { type: "image/png" })] });
    expect(refused.status).toBe(404);
    const after = await env.ATTACHMENTS.list({ prefix: `complaints/${org.organizationId}/` });
    expect(after.objects.length).toBe(before.objects.length);
  });
});
