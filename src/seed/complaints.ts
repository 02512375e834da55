/**
 * Demo complaints for the demo organisation: two teams (customer care, billing desk) with leads and
 * round-robin assignment, routing rules, the default SLA policies, and 25 complaints in every
 * workflow state — from all three doors, in Chinese and English, some overdue, with timelines,
 * notes, replies, a hand-off and answered handling surveys. Everything goes through the same code
 * paths as real traffic (intake, transitions, hand-offs, the handling-survey loop, the SLA sweep),
 * backdated by passing `now`.
 *
 * Idempotent: every complaint has a fixed intake key (`demo:<n>`); a second run finds them and
 * changes nothing.
 */
import { organisationDb } from "../db/shards";
import type { AppBindings, Db, Principal } from "../env";
import { countComplaintsWithIntakeKeyPrefix, findOrganisationSurvey, listTeamNames, recentComplainedResponses } from "../db/queries/demo-seed";
import type { Role } from "../domain/permissions";
import {
  type ComplaintCategory,
  type ComplaintPriority,
  type ComplaintSource,
  type ComplaintState,
  defaultComplaintSlaPolicies,
  EscalationPolicySchema,
} from "../domain/complaints";
import { loadComplaintContext, type ComplaintRow } from "../db/queries/complaints";
import { createComplaint, type IntakeRequest } from "../db/queries/complaints-intake";
import { createTeam, saveRoutingConfig, saveSlaPolicies } from "../db/queries/complaints-config";
import { handlingSurveyLink } from "../db/queries/complaints-handling";
import { complaintActivity, createHandoff, customerParty, staffParty, transitionComplaint, type ActingParty } from "../db/queries/complaints-actions";
import { complaintRequestFromResponse } from "../db/queries/complaints-triggers";
import { loadVersionDefinition } from "../db/queries/surveys";
import { openSurveyBySlug, resolveInvitation, submitAnswers } from "../db/queries/survey-access";
import { handleResponseCompleted } from "../jobs/response-completed";
import { runSlaSweep } from "../jobs/sla-sweep";

export type SeedDemoComplaintsOptions = {
  organizationId: string;
  surveyId: string;
  userIds: Record<Role, string>;
  now: Date;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Step =
  | { at: number; kind: "to"; to: ComplaintState; payload?: Record<string, unknown>; by?: "staff" | "manager" | "customer" }
  | { at: number; kind: "note"; text: string; by?: "staff" | "manager" }
  | { at: number; kind: "reply"; text: string; by?: "staff" | "manager" }
  | { at: number; kind: "handoff"; rootCause: string; correctiveAction: string; dueInDays: number }
  | { at: number; kind: "rate"; csat: number; ces: number; resolved: boolean };

type DemoComplaint = {
  key: string;
  /** Days before `now` the complaint arrived. */
  daysAgo: number;
  source: ComplaintSource;
  language: "zh-CN" | "en";
  subject: string;
  description: string;
  category: ComplaintCategory | null;
  priority?: ComplaintPriority;
  severity?: 1 | 2 | 3 | 4;
  segment: { touchpoint: string; region: string; tier: string };
  contact: { name?: string; email?: string; phone?: string } | "anonymous";
  remedy?: string;
  /** Step times are hours after receipt. */
  steps: Step[];
};

const ack = (at: number, message?: string): Step => ({ at, kind: "to", to: "acknowledged", payload: message ? { message } : {} });
const assess = (at: number, priority: ComplaintPriority, category: ComplaintCategory, severity?: number): Step => ({
  at,
  kind: "to",
  to: "assessed",
  payload: { priority, category, ...(severity ? { severity } : {}) },
});
const investigate = (at: number, note?: string): Step => ({ at, kind: "to", to: "investigating", payload: note ? { note } : {} });
const respond = (at: number, publicReply: string, proposedRemedy: string): Step => ({ at, kind: "to", to: "responded", payload: { publicReply, proposedRemedy } });
const accept = (at: number, comment?: string): Step => ({ at, kind: "to", to: "closed", payload: comment ? { comment } : {}, by: "customer" });
const close = (at: number, resolution: Record<string, unknown>, publicReply?: string): Step => ({
  at,
  kind: "to",
  to: "closed",
  payload: { resolution, ...(publicReply ? { publicReply } : {}) },
});

const SEG = {
  storeNorth: { touchpoint: "store", region: "north", tier: "standard" },
  storeEast: { touchpoint: "store", region: "east", tier: "gold" },
  webSouth: { touchpoint: "web", region: "south", tier: "standard" },
  webEast: { touchpoint: "web", region: "east", tier: "platinum" },
  callWest: { touchpoint: "call_centre", region: "west", tier: "gold" },
  callNorth: { touchpoint: "call_centre", region: "north", tier: "platinum" },
};

export const DEMO_COMPLAINTS: DemoComplaint[] = [
  // received
  { key: "demo:1", daysAgo: 0.05, source: "complaint_form", language: "zh-CN", subject: "洗衣机送货时外壳凹陷", description: "今天上午送到的洗衣机侧面有明显凹陷，送货员说不能当场退。订单号 SO-20261126-118。", category: "delivery", segment: SEG.storeEast, contact: { name: "陈静", email: "chen.jing@example.com" }, remedy: "换一台新的", steps: [] },
  { key: "demo:2", daysAgo: 0.3, source: "phone", language: "en", subject: "Charged twice for one order", description: "The customer phoned: card charged twice (2 × 299 CNY) for order W-55120.", category: "billing", segment: SEG.callWest, contact: { name: "Mark Liu", phone: "+86 21 5555 0101" }, remedy: "Refund the second charge", steps: [] },
  { key: "demo:3", daysAgo: 3.2, source: "complaint_form", language: "zh-CN", subject: "客服电话一直打不通", description: "连续三天拨打客服热线，每次等待超过 20 分钟后自动挂断。", category: "service_attitude", segment: SEG.callNorth, contact: "anonymous", steps: [] },
  // acknowledged
  { key: "demo:4", daysAgo: 0.8, source: "email", language: "en", subject: "App crashes at checkout", description: "Every time I tap 'Pay' the app closes. iPhone 13, latest version.", category: "technical", segment: SEG.webSouth, contact: { name: "Emma Zhang", email: "emma.zhang@example.com" }, steps: [ack(0.5, "Thanks Emma, we have passed this to our app team.")] },
  { key: "demo:5", daysAgo: 2, source: "complaint_form", language: "zh-CN", subject: "会员积分没有到账", description: "上周在门店消费 1,280 元，积分至今没有到账。", category: "billing", segment: SEG.storeNorth, contact: { name: "王磊", email: "wang.lei@example.com" }, steps: [ack(1)] },
  { key: "demo:6", daysAgo: 6, source: "staff_entry", language: "zh-CN", subject: "门店店员态度恶劣", description: "顾客到店反映：询问退货政策时店员不耐烦并大声呵斥。", category: "service_attitude", priority: "high", segment: SEG.storeEast, contact: { name: "赵女士", phone: "138 0000 1234" }, steps: [ack(2)] },
  // assessed
  { key: "demo:7", daysAgo: 1, source: "complaint_form", language: "en", subject: "Wrong size delivered", description: "Ordered a size L jacket, received S. Need it before Saturday.", category: "delivery", segment: SEG.webEast, contact: { name: "Sophie Wu", email: "sophie.wu@example.com" }, remedy: "Exchange before Saturday", steps: [ack(0.3), assess(1, "high", "delivery", 2)] },
  { key: "demo:8", daysAgo: 4, source: "chat", language: "zh-CN", subject: "优惠券无法使用", description: "结账时提示优惠券不适用，但活动页面写明全场通用。", category: "billing", segment: SEG.webSouth, contact: { email: "coupon.user@example.com" }, steps: [ack(1), assess(3, "normal", "billing")] },
  { key: "demo:9", daysAgo: 9, source: "complaint_form", language: "zh-CN", subject: "空调安装后漏水", description: "安装师傅走后第二天室内机开始滴水，墙面已经发霉。", category: "product_quality", segment: SEG.storeNorth, contact: { name: "刘先生", phone: "139 1111 2222" }, remedy: "上门维修并赔偿墙面损失", steps: [ack(4), assess(20, "high", "product_quality", 3)] },
  // investigating
  { key: "demo:10", daysAgo: 2.5, source: "complaint_form", language: "zh-CN", subject: "冰箱不制冷", description: "购买两周的冰箱冷藏室温度一直在 12 度以上。", category: "product_quality", segment: SEG.storeEast, contact: { name: "孙丽", email: "sun.li@example.com" }, steps: [ack(1), assess(2, "normal", "product_quality", 2), investigate(3, "已联系厂家售后，等待检测报告。")] },
  { key: "demo:11", daysAgo: 5, source: "email", language: "en", subject: "Refund not received after return", description: "Returned the headphones 3 weeks ago (tracking SF123456), still no refund.", category: "billing", priority: "high", segment: SEG.webEast, contact: { name: "James Chen", email: "james.chen@example.com" }, remedy: "Refund 899 CNY", steps: [ack(2), assess(4, "high", "billing"), investigate(6), { at: 7, kind: "note", text: "Warehouse confirms receipt on the 3rd; refund job failed (gateway timeout)." }] },
  { key: "demo:12", daysAgo: 12, source: "complaint_form", language: "zh-CN", subject: "快递晚到了三天", description: "承诺次日达，实际第四天才送到，耽误了孩子的生日。", category: "delivery", segment: SEG.webSouth, contact: { name: "周敏", email: "zhou.min@example.com" }, steps: [ack(5), assess(30, "normal", "delivery"), investigate(50)] },
  { key: "demo:13", daysAgo: 8, source: "phone", language: "zh-CN", subject: "电视屏幕出现亮线", description: "使用一个月的电视屏幕出现竖向亮线。", category: "product_quality", priority: "urgent", severity: 3, segment: SEG.callNorth, contact: { name: "吴强", phone: "137 2222 3333" }, steps: [ack(0.5), assess(1, "urgent", "product_quality", 3), investigate(2)] },
  // waiting on customer
  { key: "demo:14", daysAgo: 3, source: "complaint_form", language: "en", subject: "Damaged parcel", description: "The box was crushed and the vase inside is broken.", category: "delivery", segment: SEG.storeNorth, contact: { name: "Olivia Ma", email: "olivia.ma@example.com" }, steps: [ack(1), assess(2, "normal", "delivery"), { at: 3, kind: "to", to: "waiting_on_customer", payload: { publicReply: "We are sorry! Could you send us a photo of the box and the vase?" } }] },
  { key: "demo:15", daysAgo: 1.5, source: "complaint_form", language: "zh-CN", subject: "发票抬头开错", description: "发票抬头写成了个人，需要公司抬头。", category: "billing", segment: SEG.webEast, contact: { name: "郑经理", email: "zheng@example.com" }, steps: [ack(0.5), { at: 1, kind: "to", to: "waiting_on_customer", payload: { publicReply: "请提供公司全称和税号，我们马上重开。" } }] },
  // responded
  { key: "demo:16", daysAgo: 2, source: "complaint_form", language: "zh-CN", subject: "家具少了一个配件", description: "书柜缺少一包螺丝，无法组装。", category: "product_quality", segment: SEG.storeEast, contact: { name: "何佳", email: "he.jia@example.com" }, remedy: "尽快补发", steps: [ack(0.5), assess(1, "normal", "product_quality"), respond(3, "非常抱歉给您带来不便，配件已于今天寄出。", "补发配件并赠送 50 元优惠券")] },
  { key: "demo:17", daysAgo: 4, source: "email", language: "en", subject: "Overcharged for delivery", description: "Checkout said free delivery, but I was charged 30 CNY.", category: "billing", segment: SEG.webSouth, contact: { name: "Lucas Huang", email: "lucas.huang@example.com" }, steps: [ack(1), assess(2, "normal", "billing"), investigate(3), respond(8, "You are right — the promotion was not applied.", "Refund of the 30 CNY delivery fee")] },
  { key: "demo:18", daysAgo: 7, source: "staff_entry", language: "zh-CN", subject: "维修师傅迟到两小时", description: "预约上午 9 点上门，11 点才到，也没有提前通知。", category: "service_attitude", segment: SEG.callWest, contact: { name: "林女士", phone: "135 4444 5555" }, steps: [ack(3), assess(5, "low", "service_attitude"), respond(30, "我们已对该师傅进行培训，并调整了排班提醒。", "致歉并赠送一次免费清洗服务")] },
  // closed
  { key: "demo:19", daysAgo: 20, source: "complaint_form", language: "zh-CN", subject: "手机壳颜色与图片不符", description: "页面显示深蓝色，收到的是黑色。", category: "product_quality", segment: SEG.webSouth, contact: { name: "马超", email: "ma.chao@example.com" }, steps: [ack(1), assess(2, "low", "product_quality"), respond(5, "已为您安排换货。", "免费换货"), accept(20, "谢谢，处理很快。"), { at: 30, kind: "rate", csat: 5, ces: 6, resolved: true }] },
  { key: "demo:20", daysAgo: 25, source: "email", language: "en", subject: "Subscription renewed without notice", description: "I was billed 399 CNY for a yearly renewal I never agreed to.", category: "billing", priority: "high", segment: SEG.webEast, contact: { name: "Grace Lin", email: "grace.lin@example.com" }, steps: [ack(2), assess(3, "high", "billing"), investigate(4), respond(20, "We have refunded the renewal and turned off auto-renew.", "Full refund of 399 CNY"), close(30, { outcome: "accepted" }, "Refund issued today."), { at: 40, kind: "rate", csat: 4, ces: 5, resolved: true }] },
  { key: "demo:21", daysAgo: 35, source: "complaint_form", language: "zh-CN", subject: "门店拒绝七天无理由退货", description: "购买五天的耳机，门店说拆封了就不能退。", category: "service_attitude", segment: SEG.storeNorth, contact: { name: "黄先生", email: "huang@example.com" }, remedy: "按规定退货", steps: [ack(3), assess(6, "normal", "service_attitude"), investigate(24), respond(48, "经核实，耳机属于个人卫生用品，拆封后不适用七天无理由退货。", "提供一年延保作为补偿"), { at: 60, kind: "to", to: "investigating", payload: { reason: "我不接受，页面上没有写明这一点。" }, by: "customer" }, respond(80, "我们已更新商品页面说明，并为您办理退货退款。", "全额退款"), accept(90), { at: 100, kind: "rate", csat: 3, ces: 3, resolved: true }, { at: 100, kind: "handoff", rootCause: "商品详情页未说明卫生用品拆封后不可无理由退货", correctiveAction: "所有耳机类商品页面补充退货说明；培训门店解释口径", dueInDays: 30 }] },
  { key: "demo:22", daysAgo: 40, source: "phone", language: "zh-CN", subject: "延保服务拒绝维修", description: "延保期内的洗碗机坏了，服务商说不在保修范围。", category: "product_quality", segment: SEG.callNorth, contact: { name: "钱女士", phone: "136 6666 7777" }, steps: [ack(2), assess(4, "normal", "product_quality"), investigate(10), respond(72, "经检测为进水导致的损坏，不在延保范围内。", "维修费用八折"), close(120, { outcome: "closed_with_disagreement", customerDisagreement: "客户认为进水是安装问题，不接受八折方案。", alternativesOffered: "可向消费者协会（12315）投诉，或申请第三方检测。" }, "很遗憾未能达成一致，我们已记录您的意见。")] },
  { key: "demo:23", daysAgo: 15, source: "complaint_form", language: "en", subject: "Missing item in order", description: "Ordered 3 items, only 2 in the box.", category: "delivery", segment: SEG.webSouth, contact: { name: "Noah Xu", email: "noah.xu@example.com" }, steps: [ack(0.5), assess(1, "normal", "delivery"), respond(2, "Sorry! The missing item ships today.", "Ship the missing item with express delivery"), accept(30)] },
  // reopened
  { key: "demo:24", daysAgo: 18, source: "complaint_form", language: "zh-CN", subject: "退款又被扣回", description: "上周收到的退款今天又被扣回了。", category: "billing", priority: "high", segment: SEG.webEast, contact: { name: "许可", email: "xu.ke@example.com" }, steps: [ack(1), assess(2, "high", "billing"), respond(10, "退款已原路返回。", "退款 560 元"), accept(30), { at: 200, kind: "to", to: "reopened", payload: { reason: "退款被银行扣回了，问题没有解决。" }, by: "customer" }] },
  { key: "demo:25", daysAgo: 10, source: "email", language: "en", subject: "Warranty repair failed again", description: "The laptop was repaired but the same fault came back after 2 days.", category: "technical", segment: SEG.callWest, contact: { name: "Ava Sun", email: "ava.sun@example.com" }, steps: [ack(1), assess(2, "normal", "technical"), respond(24, "The repair is complete.", "Free repair under warranty"), close(30, { outcome: "accepted" }), { at: 100, kind: "to", to: "reopened", payload: { reason: "Same fault came back after two days." }, by: "manager" }, { at: 101, kind: "to", to: "investigating", payload: { note: "Escalated to the vendor's level-2 service." }, by: "manager" }, { at: 101, kind: "to", to: "waiting_on_customer", payload: { publicReply: "Could you bring the laptop to the service centre this week?" }, by: "manager" }] },
  // Arrived by e-mail this morning, not yet categorised: the desk shows the suggested category to accept or change.
  { key: "demo:26", daysAgo: 0.1, source: "email", language: "en", subject: "Parcel left outside in the rain", description: "The courier left my parcel outside the front door in the rain and the box was soaked through. The delivery note says it was handed to me.", category: null, segment: SEG.webEast, contact: { name: "Ethan Zhou", email: "ethan.zhou@example.com" }, steps: [] },
  { key: "demo:27", daysAgo: 0.2, source: "email", language: "zh-CN", subject: "付款后订单一直显示待付款", description: "在网站付款成功后，订单状态两天了还显示待付款，系统也没有退款。打了两次电话都说再等等。", category: null, segment: SEG.webSouth, contact: { name: "唐亮", email: "tang.liang@example.com" }, steps: [] },
];

function principalFor(organizationId: string, userIds: Record<Role, string>, role: Role): Principal {
  return { kind: "user", id: userIds[role], name: `Demo ${role}`, organizationId, role };
}

async function ensureSetup(db: Db, organizationId: string, userIds: Record<Role, string>) {
  const owner = principalFor(organizationId, userIds, "owner");
  const teams = await listTeamNames(db, organizationId);
  const find = (name: string) => teams.find((t) => t.name === name)?.id;
  const care =
    find("客户关怀 Customer care") ??
    (await createTeam(db, owner, { name: "客户关怀 Customer care", leadUserId: userIds.manager, strategy: "round_robin", memberIds: [userIds.staff, userIds.manager] }));
  const billing =
    find("账单组 Billing desk") ??
    (await createTeam(db, owner, { name: "账单组 Billing desk", leadUserId: userIds.admin, strategy: "least_open_load", memberIds: [userIds.staff, userIds.admin] }));
  const ctx = await loadComplaintContext(db, organizationId);
  if (!ctx.routing) {
    await saveRoutingConfig(db, owner, {
      rules: [
        { id: "billing", name: "Billing and refunds → billing desk", enabled: true, match: "any", conditions: [{ field: "category", op: "equals", value: "billing" }, { field: "text", op: "containsAny", value: ["退款", "扣款", "refund", "charged"] }], teamId: billing },
      ],
      defaultTeamId: care,
    });
  }
  if (!ctx.policiesConfigured) await saveSlaPolicies(db, owner, defaultComplaintSlaPolicies(ctx.calendar), EscalationPolicySchema.parse({}));
}

function partyFor(step: Step, row: ComplaintRow, organizationId: string, userIds: Record<Role, string>): ActingParty {
  const by = "by" in step ? step.by : undefined;
  if (by === "customer") return customerParty(row);
  return staffParty(principalFor(organizationId, userIds, by === "manager" ? "manager" : "staff"));
}

/** Answers the handling-survey invitation of a closed complaint through the real submit path. */
async function rateHandling(db: Db, env: AppBindings, row: ComplaintRow, step: Extract<Step, { kind: "rate" }>, at: Date) {
  const link = await handlingSurveyLink(env, row);
  if (!link || row.handlingResponseId) return;
  const url = new URL(link);
  const slug = url.pathname.split("/").pop()!;
  const token = url.searchParams.get("t") ?? undefined;
  const open = await openSurveyBySlug(db, slug, at);
  const invitation = await resolveInvitation(db, open.survey, token, at);
  const result = await submitAnswers(db, {
    open,
    submissionId: `demo-handling-${row.id}`,
    invitation,
    answers: { csat: step.csat, ces: step.ces, resolved: step.resolved },
    hidden: {},
    language: row.language,
    complete: true,
    ip: null,
    now: at,
  });
  if (result.kind === "saved") await handleResponseCompleted(db, env, result.outcome.id, at);
}

async function runSteps(db: Db, env: AppBindings, options: SeedDemoComplaintsOptions, start: ComplaintRow, steps: Step[]) {
  let row = start;
  const base = row.receivedAt.getTime();
  for (const step of steps) {
    const at = new Date(Math.min(base + step.at * HOUR, options.now.getTime() - 60_000));
    const party = partyFor(step, row, options.organizationId, options.userIds);
    switch (step.kind) {
      case "to":
        row = (await transitionComplaint(db, env, { organizationId: options.organizationId, complaintId: row.id, party, to: step.to, payload: step.payload ?? {}, now: at })).row;
        break;
      case "note":
      case "reply":
        row = (
          await complaintActivity(db, env, {
            organizationId: options.organizationId,
            complaintId: row.id,
            party,
            activity: { kind: step.kind === "note" ? "note" : "public_reply", text: step.text },
            action: step.kind === "note" ? "complaint.note_added" : "complaint.replied",
            now: at,
          })
        ).row;
        break;
      case "handoff":
        row = (
          await createHandoff(db, env, {
            organizationId: options.organizationId,
            complaintId: row.id,
            party: staffParty(principalFor(options.organizationId, options.userIds, "manager")),
            handoff: {
              rootCause: step.rootCause,
              correctiveAction: step.correctiveAction,
              ownerId: options.userIds.admin,
              ownerTeamId: null,
              dueDate: new Date(options.now.getTime() + step.dueInDays * DAY).toISOString().slice(0, 10),
            },
            now: options.now,
          })
        ).row;
        break;
      case "rate":
        await rateHandling(db, env, row, step, at);
        break;
    }
  }
}

/**
 * Seeds the demo complaints; returns how many demo complaints exist afterwards. Call it after the
 * organisation, its members and the published demo survey exist.
 */
export async function seedDemoComplaints(env: AppBindings, options: SeedDemoComplaintsOptions): Promise<number> {
  const { organizationId, userIds, now } = options;
  // The organisation's own rows: in its shard (docs/scaling.md 4.1).
  const db = await organisationDb(env, organizationId);
  await ensureSetup(db, organizationId, userIds);
  const staff = principalFor(organizationId, userIds, "staff");

  for (const spec of DEMO_COMPLAINTS) {
    const receivedAt = new Date(now.getTime() - spec.daysAgo * DAY);
    const anonymous = spec.contact === "anonymous";
    const contact = anonymous ? {} : (spec.contact as Exclude<DemoComplaint["contact"], "anonymous">);
    const viaForm = spec.source === "complaint_form";
    const request: IntakeRequest = {
      organizationId,
      source: spec.source,
      intakeKey: spec.key,
      subject: spec.subject,
      description: spec.description,
      category: spec.category,
      priority: spec.priority ?? null,
      severity: spec.severity ?? null,
      touchpoint: spec.segment.touchpoint,
      region: spec.segment.region,
      tier: spec.segment.tier,
      segment: spec.segment,
      desiredRemedy: spec.remedy ?? null,
      contact: { name: contact.name ?? null, email: contact.email ?? null, phone: contact.phone ?? null, anonymous },
      language: spec.language,
      actor: viaForm ? { kind: "customer", id: "complaint-form", ...(contact.name ? { name: contact.name } : {}) } : { kind: "staff", id: staff.id, name: staff.name },
      auditActor: viaForm ? { kind: "customer", id: "complaint-form" } : { kind: "user", id: staff.id },
      now: receivedAt,
    };
    const result = await createComplaint(db, env, request);
    if (result.created) await runSteps(db, env, options, result.row, spec.steps);
  }

  // The survey door: the most recent demo responses whose customers said they complained.
  const survey = await findOrganisationSurvey(db, organizationId, options.surveyId);
  if (survey) {
    const candidates = await recentComplainedResponses(db, survey.id, 3);
    for (const [index, response] of candidates.entries()) {
      const definition = await loadVersionDefinition(db, survey.id, response.version);
      const receivedAt = response.completedAt ?? now;
      const request = complaintRequestFromResponse(survey, definition, response, receivedAt);
      if (!request) continue;
      const result = await createComplaint(db, env, { ...request, intakeKey: `demo:survey:${index + 1}` });
      if (result.created && index === 0) await runSteps(db, env, options, result.row, [ack(2), assess(5, "normal", "other")]);
    }
  }

  // Escalations for what is already overdue, as the cron would have done.
  await runSlaSweep(db, env, now);

  return countComplaintsWithIntakeKeyPrefix(db, organizationId, "demo:");
}
