import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";

let a: TestOrg;
let b: TestOrg;
let survey: { id: string; slug: string };
const ids: Record<string, string> = {};

type ListBody = { total: number; items: { id: string; tags: string[]; answers: Record<string, unknown> }[] };

beforeAll(async () => {
  a = await createTestOrg("adm-rsp-a");
  b = await createTestOrg("adm-rsp-b");
  survey = await createPublishedSurvey(a.keys.admin, "adm-rsp-acsi");
  const complete = async (name: string, nps: number, comment: string, touchpoint: string) => {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers({ nps, comment }), hidden: { touchpoint }, complete: true });
    expect(res.status).toBe(201);
    ids[name] = ((await res.json()) as { id: string }).id;
  };
  await complete("detractor", 3, 'Slow & <rude> "staff"', "store");
  await complete("passive", 7, "ok", "web");
  await complete("promoter", 10, "=SUM(A1)", "store");
  // Partials: one stopped after page 0, two after page 2.
  for (const [name, page] of [["p0", 0], ["p2a", 2], ["p2b", 2]] as const) {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: { ce_overall: 5 }, complete: false, currentPage: page });
    expect(res.status).toBe(201);
    ids[name] = ((await res.json()) as { id: string }).id;
  }
  const today = new Date().toISOString().slice(0, 10);
  await env.DB.prepare("insert into survey_daily_views (organization_id, survey_id, day, views) values (?, ?, ?, 12), (?, ?, '2020-01-01', 100)")
    .bind(a.organizationId, survey.id, today, a.organizationId, survey.id)
    .run();
});

describe("tags and internal notes", () => {
  it("replaces tags (trimmed, de-duplicated) and shows them in the list", async () => {
    const res = await call(`/api/surveys/${survey.id}/responses/${ids.detractor}/tags`, json("PUT", { tags: [" call back ", "VIP", "vip", "call back"] }, bearer(a.keys.staff)));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { tags: string[] }).tags).toEqual(["call back", "VIP"]);
    const list = (await (await call(`/api/surveys/${survey.id}/responses?status=completed`, { headers: bearer(a.keys.viewer) })).json()) as ListBody;
    expect(list.items.find((i) => i.id === ids.detractor)!.tags).toEqual(["call back", "VIP"]);
    expect(list.items.find((i) => i.id === ids.passive)!.tags).toEqual([]);
    expect((await call(`/api/surveys/${survey.id}/responses/${ids.detractor}/tags`, json("PUT", { tags: ["x"] }, bearer(a.keys.viewer)))).status).toBe(403);
  });

  it("adds and lists notes with their author; the audit records the note without its text", async () => {
    const add = await call(`/api/surveys/${survey.id}/responses/${ids.detractor}/notes`, json("POST", { body: "Called the customer; refund agreed." }, bearer(a.keys.staff)));
    expect(add.status).toBe(201);
    await call(`/api/surveys/${survey.id}/responses/${ids.detractor}/notes`, json("POST", { body: "Refund sent." }, { cookie: a.cookies.manager }));
    const list = await call(`/api/surveys/${survey.id}/responses/${ids.detractor}/notes`, { headers: bearer(a.keys.viewer) });
    const notes = ((await list.json()) as { items: { body: string; authorName: string }[] }).items;
    expect(notes.map((n) => n.body)).toEqual(["Called the customer; refund agreed.", "Refund sent."]);
    expect(notes[1]!.authorName).toBe("manager of adm-rsp-a");
    const audit = await env.DB.prepare("select data from audit_log where action = 'response.note_added' and target_id = ?").bind(ids.detractor).all<{ data: string }>();
    expect(audit.results).toHaveLength(2);
    expect(audit.results[0]!.data).not.toContain("refund");
    expect((await call(`/api/surveys/${survey.id}/responses/${ids.detractor}/notes`, json("POST", { body: "  " }, bearer(a.keys.staff)))).status).toBe(422);
  });
});

describe("score range filters", () => {
  it("filters by numeric answer ranges, with open ends, together with other filters", async () => {
    const list = async (query: string) => (await (await call(`/api/surveys/${survey.id}/responses?${query}`, { headers: bearer(a.keys.viewer) })).json()) as ListBody;
    expect((await list("score.nps=0..6")).items.map((i) => i.id)).toEqual([ids.detractor]);
    expect((await list("score.nps=7..")).total).toBe(2);
    expect((await list("score.nps=..7")).total).toBe(2);
    expect((await list("score.nps=10")).items.map((i) => i.id)).toEqual([ids.promoter]);
    expect((await list("score.nps=7..10&hidden.touchpoint=store")).items.map((i) => i.id)).toEqual([ids.promoter]);
    // A text answer never matches a range.
    expect((await list("score.comment=0..")).total).toBe(0);
    for (const bad of ["score.nps=6..0", "score.nps=abc", "score.nps=..", "score.NPS=1..2"]) {
      expect((await call(`/api/surveys/${survey.id}/responses?${bad}`, { headers: bearer(a.keys.viewer) })).status, bad).toBe(400);
    }
  });
});

describe("funnel", () => {
  it("counts views → starts → completions and drop-off by last saved page", async () => {
    const res = await call(`/api/surveys/${survey.id}/funnel`, { headers: bearer(a.keys.viewer) });
    expect(res.status).toBe(200);
    const funnel = (await res.json()) as { views: number; starts: number; completions: number; partials: number; completionRate: number; startRate: number; dropOff: { pageIndex: number; pageId: string; partials: number; share: number }[] };
    expect(funnel).toMatchObject({ views: 112, starts: 6, completions: 3, partials: 3 });
    expect(funnel.completionRate).toBeCloseTo(0.5, 12);
    expect(funnel.dropOff).toEqual([
      { pageIndex: 0, pageId: "p_expectations", title: "购买之前的期望", partials: 1, share: 1 / 3 },
      { pageIndex: 2, pageId: "p_value_satisfaction", title: "价值与满意度", partials: 2, share: 2 / 3 },
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const ranged = (await (await call(`/api/surveys/${survey.id}/funnel?from=${today}&to=${today}&lang=en`, { headers: bearer(a.keys.viewer) })).json()) as typeof funnel & { dropOff: { title: string }[] };
    expect(ranged.views).toBe(12);
    expect(ranged.dropOff[0]!.title).toBe("Before you bought");
    const past = (await (await call(`/api/surveys/${survey.id}/funnel?to=2020-12-31`, { headers: bearer(a.keys.viewer) })).json()) as typeof funnel;
    expect(past).toMatchObject({ views: 100, starts: 0, completions: 0, completionRate: null });
  });
});

// ---------------------------------------------------------------------------------------------
// A small independent unzip (STORE entries) to check the workbook.
// ---------------------------------------------------------------------------------------------

function crc32Bitwise(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function unzip(buffer: ArrayBuffer): Map<string, string> {
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  const end = buffer.byteLength - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const localOffset = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    expect(method).toBe(0);
    expect(view.getUint32(localOffset, true)).toBe(0x04034b50);
    const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    const data = bytes.subarray(dataStart, dataStart + size);
    expect(crc32Bitwise(data), name).toBe(crc);
    files.set(name, new TextDecoder("utf-8", { fatal: true }).decode(data));
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return files;
}

/** Well-formed enough: every tag closes in order. */
function assertBalancedXml(xml: string) {
  const stack: string[] = [];
  for (const match of xml.replace(/<\?xml[^>]*\?>/, "").matchAll(/<(\/?)([A-Za-z:]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

describe("XLSX export", () => {
  it("is a valid OOXML workbook whose sheet holds the filtered responses", async () => {
    const res = await call(`/api/surveys/${survey.id}/responses/export.xlsx?status=completed`, { headers: bearer(a.keys.manager) });
    expect(res.status, res.status === 200 ? "" : await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("content-disposition")).toContain("adm-rsp-acsi-responses.xlsx");
    const files = unzip(await res.arrayBuffer());
    expect([...files.keys()]).toEqual(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"]);
    for (const xml of files.values()) assertBalancedXml(xml);
    expect(files.get("[Content_Types].xml")).toContain('PartName="/xl/worksheets/sheet1.xml"');
    expect(files.get("xl/workbook.xml")).toContain('<sheet name="Responses" sheetId="1" r:id="rId1"/>');
    const sheet = files.get("xl/worksheets/sheet1.xml")!;
    const rows = [...sheet.matchAll(/<row r="(\d+)">(.*?)<\/row>/g)];
    expect(rows).toHaveLength(4); // header + 3 completed
    expect(rows[0]![2]).toContain('<c r="A1" s="1" t="inlineStr"><is><t xml:space="preserve">response_id</t></is></c>');
    // Text is escaped and never a formula; numbers are numbers; booleans are booleans.
    expect(sheet).toContain("Slow &amp; &lt;rude&gt; &quot;staff&quot;");
    expect(sheet).toContain("=SUM(A1)</t>");
    expect(sheet).not.toContain("<f>");
    const header = [...rows[0]![2]!.matchAll(/<t xml:space="preserve">([^<]*)<\/t>/g)].map((m) => m[1]);
    const npsColumn = header.indexOf("nps");
    const complainedColumn = header.indexOf("complained");
    expect(npsColumn).toBeGreaterThan(0);
    const colName = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : String.fromCharCode(64 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26)));
    const npsCells = [...sheet.matchAll(new RegExp(`<c r="${colName(npsColumn)}(\\d+)"><v>(\\d+)</v></c>`, "g"))].map((m) => Number(m[2])).sort((x, y) => x - y);
    expect(npsCells).toEqual([3, 7, 10]);
    expect(sheet).toMatch(new RegExp(`<c r="${colName(complainedColumn)}2" t="b"><v>0</v></c>`));
    expect(header).toContain("tags");
    expect(sheet).toContain("call back;VIP");
  });

  it("is for managers (responses:export) and hidden from other organisations", async () => {
    expect((await call(`/api/surveys/${survey.id}/responses/export.xlsx`, { headers: bearer(a.keys.staff) })).status).toBe(403);
    expect((await call(`/api/surveys/${survey.id}/responses/export.xlsx`, { headers: bearer(b.keys.owner) })).status).toBe(404);
  });
});

describe("tenant isolation", () => {
  it("answers 404 to another organisation on every responses-admin route", async () => {
    const routes: [string, string, unknown?][] = [
      ["PUT", `/api/surveys/${survey.id}/responses/${ids.detractor}/tags`, { tags: ["x"] }],
      ["POST", `/api/surveys/${survey.id}/responses/${ids.detractor}/notes`, { body: "x" }],
      ["GET", `/api/surveys/${survey.id}/responses/${ids.detractor}/notes`],
      ["GET", `/api/surveys/${survey.id}/funnel`],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(path, body === undefined ? { method, headers: bearer(b.keys.owner) } : json(method, body, bearer(b.keys.owner)));
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // A response id of org A under org B's own survey is also not found.
    const own = await createPublishedSurvey(b.keys.admin, "adm-rsp-b");
    expect((await call(`/api/surveys/${own.id}/responses/${ids.detractor}/tags`, json("PUT", { tags: ["x"] }, bearer(b.keys.owner)))).status).toBe(404);
    const stored = await env.DB.prepare("select tags from responses where id = ?").bind(ids.detractor).first<{ tags: string }>();
    expect(JSON.parse(stored!.tags)).toEqual(["call back", "VIP"]);
  });
});
