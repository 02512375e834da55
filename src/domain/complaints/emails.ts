/**
 * The e-mails of the complaint workflow (subject + plain text) in the customer's language, and the
 * staff notifications (English and Chinese together: staff language is not stored per user).
 *
 * `@@REFERENCE@@` in a subject or text is replaced by the complaint's reference inside the same
 * D1 batch that assigns it (the reference comes from a SQL counter), see complaints-intake.ts.
 */
import { categoryLabel, type ComplaintLanguage, formatDeadline, STATE_LABELS } from "./texts";
import type { ComplaintState } from "./complaint";

export const REFERENCE_PLACEHOLDER = "@@REFERENCE@@";

export type EmailContent = { subject: string; text: string };

type Lang = ComplaintLanguage;

export function acknowledgementEmail(input: {
  language: Lang;
  reference: string;
  name: string | null;
  promisedAt: Date;
  timeZone: string;
  statusUrl: string;
  organizationName: string;
}): EmailContent {
  const deadline = formatDeadline(input.promisedAt, input.language, input.timeZone);
  if (input.language === "zh-CN") {
    return {
      subject: `我们已收到您的投诉（${input.reference}）`,
      text: [
        `${input.name ? `${input.name}，您好：` : "您好："}`,
        "",
        `感谢您告诉我们。${input.organizationName} 已收到您的投诉，编号 ${input.reference}。`,
        `我们承诺在 ${deadline} 之前给出处理结果。`,
        "",
        `您可以随时通过以下链接查看处理进度、补充信息或回复我们（请勿转发此链接）：`,
        input.statusUrl,
      ].join("\n"),
    };
  }
  return {
    subject: `We have received your complaint (${input.reference})`,
    text: [
      `${input.name ? `Dear ${input.name},` : "Hello,"}`,
      "",
      `Thank you for telling us. ${input.organizationName} has received your complaint, reference ${input.reference}.`,
      `We promise to resolve it by ${deadline}.`,
      "",
      "Follow its progress, add information or reply to us at this link (please do not share it):",
      input.statusUrl,
    ].join("\n"),
  };
}

/** A staff reply, a question, a proposed remedy or the closing message. */
export function customerUpdateEmail(input: {
  language: Lang;
  reference: string;
  state: ComplaintState;
  replyText: string | null;
  /** Names of files sent with the reply: they are downloaded from the status page, never attached to the e-mail. */
  replyFiles?: readonly string[];
  proposedRemedy: string | null;
  statusUrl: string;
}): EmailContent {
  const zh = input.language === "zh-CN";
  const stage = STATE_LABELS[input.state][input.language];
  const lines: string[] = [];
  lines.push(zh ? `您的投诉 ${input.reference} 有新的进展：${stage}。` : `There is news on your complaint ${input.reference}: ${stage}.`);
  if (input.replyText) lines.push("", input.replyText);
  if (input.replyFiles?.length) {
    lines.push("", zh ? "随回复发送的文件（请在下方链接的页面下载）：" : "Files sent with this reply (download them from the page at the link below):", ...input.replyFiles.map((name) => `- ${name}`));
  }
  if (input.state === "responded" && input.proposedRemedy) {
    lines.push("", zh ? `我们提出的处理方案：${input.proposedRemedy}` : `Our proposed remedy: ${input.proposedRemedy}`);
    lines.push(zh ? "请通过下方链接告诉我们您是否接受。" : "Please tell us at the link below whether you accept it.");
  }
  if (input.state === "waiting_on_customer") lines.push("", zh ? "请通过下方链接回复我们。" : "Please reply at the link below.");
  lines.push("", zh ? "查看进度并回复：" : "See the progress and reply:", input.statusUrl);
  return { subject: zh ? `投诉 ${input.reference}：${stage}` : `Complaint ${input.reference}: ${stage}`, text: lines.join("\n") };
}

export function handlingSurveyEmail(input: { language: Lang; reference: string; surveyUrl: string }): EmailContent {
  if (input.language === "zh-CN") {
    return {
      subject: `您对投诉 ${input.reference} 的处理满意吗？`,
      text: [`您的投诉 ${input.reference} 已结案。`, "请花一分钟告诉我们处理得怎么样，这将帮助我们改进：", input.surveyUrl].join("\n"),
    };
  }
  return {
    subject: `How did we handle your complaint ${input.reference}?`,
    text: [`Your complaint ${input.reference} is closed.`, "Please take a minute to tell us how we handled it — it helps us improve:", input.surveyUrl].join("\n"),
  };
}

export type StaffNoticeKind = "assigned" | "customer_message" | "escalation" | "handoff" | "new_complaint";

/** Staff notice: bilingual, with a link to the desk. */
export function staffNoticeEmail(input: {
  kind: StaffNoticeKind;
  reference: string;
  subject: string;
  deskUrl: string;
  detail?: string;
  category?: string | null;
}): EmailContent {
  const titles: Record<StaffNoticeKind, [string, string]> = {
    assigned: ["分配给您的投诉", "Complaint assigned to you"],
    customer_message: ["客户有新消息", "The customer wrote"],
    escalation: ["投诉时限升级提醒", "SLA escalation"],
    handoff: ["改进任务移交给您", "Improvement hand-off to you"],
    new_complaint: ["新投诉", "New complaint"],
  };
  const [zh, en] = titles[input.kind];
  const category = input.category ? ` · ${categoryLabel(input.category, "en")}` : "";
  return {
    subject: `[${input.reference}] ${en} / ${zh}: ${input.subject}`.slice(0, 250),
    text: [`${en} / ${zh}`, `${input.reference}${category} — ${input.subject}`, input.detail ?? "", "", input.deskUrl].filter((line, i) => i !== 2 || line !== "").join("\n"),
  };
}
