/**
 * The audit log in words: each recorded action as a sentence in the reader's language, its family for
 * the filter, and its details as labelled values instead of raw JSON. An action added later without a
 * sentence here shows its family's name and its code (still readable, never a blank).
 */
type Words = { en: string; "zh-CN": string };
type Lang = keyof Words;
const w = (en: string, zh: string): Words => ({ en, "zh-CN": zh });

const SENTENCES: Record<string, Words> = {
  "api_key.created": w("Created an API key", "创建了 API 密钥"),
  "complaint.assigned": w("Assigned a complaint", "分派了投诉"),
  "complaint.close_as_duplicate": w("Closed a complaint as a duplicate of another", "将投诉作为重复投诉关闭"),
  "complaint.created": w("Recorded a complaint", "登记了投诉"),
  "complaint.escalated": w("Escalated a complaint", "升级了投诉"),
  "complaint.handed_off": w("Handed a complaint over to another team", "将投诉移交给其他团队"),
  "complaint.handoff_updated": w("Updated a complaint's hand-over", "更新了投诉的移交"),
  "complaint.note_added": w("Added an internal note to a complaint", "为投诉添加了内部备注"),
  "complaint.reclassified": w("Reclassified a complaint", "重新分类了投诉"),
  "complaint.replied": w("Replied to a customer about a complaint", "就投诉回复了顾客"),
  "reply_template.created": w("Added a canned reply", "添加了常用回复"),
  "reply_template.deleted": w("Deleted a canned reply", "删除了常用回复"),
  "reply_template.updated": w("Changed a canned reply", "更改了常用回复"),
  "complaints.team_created": w("Created a complaint team", "创建了投诉处理团队"),
  "complaints.team_updated": w("Changed a complaint team", "更改了投诉处理团队"),
  "invitations.created": w("Created survey invitations", "创建了问卷邀请"),
  "invitations.exported": w("Downloaded the invitation status list", "下载了邀请状态列表"),
  "invitations.imported": w("Imported a customer list as invitations", "将顾客名单导入为邀请"),
  "invitations.reminded": w("Sent reminders to invitees", "向受邀者发送了提醒"),
  "member.deactivated": w("Deactivated a member", "停用了成员"),
  "member.joined": w("Joined the organisation", "加入了组织"),
  "member.role_changed": w("Changed a member's role", "更改了成员的角色"),
  "organization.calendar_updated": w("Changed the business calendar", "更改了工作日历"),
  "organization.settings_updated": w("Changed the organisation's settings", "更改了组织设置"),
  "report_schedule.created": w("Scheduled an e-mail report", "创建了定期邮件报告"),
  "report_schedule.deleted": w("Deleted a scheduled e-mail report", "删除了定期邮件报告"),
  "report_schedule.updated": w("Changed a scheduled e-mail report", "更改了定期邮件报告"),
  "respondent.exported": w("Exported a respondent's data", "导出了受访者的数据"),
  "respondent.erased": w("Erased a respondent's data", "删除了受访者的数据"),
  "response.note_added": w("Added a note to a response", "为答卷添加了备注"),
  "response.tags_updated": w("Changed a response's tags", "更改了答卷标签"),
  "responses.exported": w("Exported responses", "导出了答卷"),
  "retention.purged": w("Deleted data past its retention period", "删除了超过保留期限的数据"),
  "staff_invitation.canceled": w("Cancelled a staff invitation", "取消了员工邀请"),
  "staff_invitation.created": w("Invited a new staff member", "邀请了新员工"),
  "survey.created": w("Created a survey", "创建了问卷"),
  "survey.draft_updated": w("Saved a survey's draft", "保存了问卷草稿"),
  "survey.duplicated": w("Duplicated a survey", "复制了问卷"),
  "survey.imported": w("Imported a survey", "导入了问卷"),
  "survey.published": w("Published a survey", "发布了问卷"),
  "survey.closed": w("Closed a survey", "关闭了问卷"),
  "survey.reopened": w("Reopened a survey", "重新开放了问卷"),
  "survey.settings_updated": w("Changed a survey's settings", "更改了问卷设置"),
  "webhook.created": w("Added a webhook endpoint", "添加了 Webhook 端点"),
  "webhook.deleted": w("Deleted a webhook endpoint", "删除了 Webhook 端点"),
  "webhook.tested": w("Sent a test message to a webhook endpoint", "向 Webhook 端点发送了测试消息"),
  "webhook.updated": w("Changed a webhook endpoint", "更改了 Webhook 端点"),
};

/** The filter's families (the server's "family.*" filter), in words. */
export const FAMILIES: { value: string; words: Words }[] = [
  { value: "survey.*", words: w("Surveys", "问卷") },
  { value: "invitations.*", words: w("Invitations and reminders", "邀请与提醒") },
  { value: "response.*", words: w("Responses (notes, tags)", "答卷（备注、标签）") },
  { value: "responses.*", words: w("Response exports", "答卷导出") },
  { value: "respondent.*", words: w("Respondents' data (privacy)", "受访者数据（隐私）") },
  { value: "complaint.*", words: w("Complaints", "投诉") },
  { value: "complaints.*", words: w("Complaint teams", "投诉处理团队") },
  { value: "member.*", words: w("Members", "成员") },
  { value: "staff_invitation.*", words: w("Staff invitations", "员工邀请") },
  { value: "organization.*", words: w("Organisation settings", "组织设置") },
  { value: "webhook.*", words: w("Webhooks", "Webhook") },
  { value: "api_key.*", words: w("API keys", "API 密钥") },
  { value: "retention.*", words: w("Data retention", "数据保留") },
  { value: "report_schedule.*", words: w("Scheduled reports", "定期报告") },
];

const TARGETS: Record<string, Words> = {
  survey: w("survey", "问卷"),
  complaint: w("complaint", "投诉"),
  complaint_team: w("complaint team", "投诉处理团队"),
  member: w("member", "成员"),
  organization: w("organisation", "组织"),
  webhook_endpoint: w("webhook endpoint", "Webhook 端点"),
  report_schedule: w("scheduled report", "定期报告"),
  api_key: w("API key", "API 密钥"),
  response: w("response", "答卷"),
  respondent: w("respondent", "受访者"),
  staff_invitation: w("staff invitation", "员工邀请"),
};

const pick = (words: Words, lang: string): string => words[(lang === "zh-CN" ? "zh-CN" : "en") as Lang];

/** The action as a sentence ("Published a survey"); null when this version has none for it (the caller shows the code). */
export function actionSentence(action: string, lang: string): string | null {
  const words = SENTENCES[action];
  return words ? pick(words, lang) : null;
}

/** The family an action belongs to, in words ("Webhooks"), for an action without its own sentence. */
export function actionFamily(action: string, lang: string): string | null {
  const family = FAMILIES.find((f) => action.startsWith(f.value.slice(0, -1)));
  return family ? pick(family.words, lang) : null;
}

export function familyLabel(value: string, lang: string): string {
  const family = FAMILIES.find((f) => f.value === value);
  return family ? pick(family.words, lang) : value;
}

export function targetLabel(targetType: string, lang: string): string {
  const words = TARGETS[targetType];
  return words ? pick(words, lang) : targetType;
}

/** "statusCode" → "Status code", "fatigue_days" → "Fatigue days": a detail's key as a label. */
export function detailLabel(key: string): string {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_.]+/g, " ").trim().toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A detail's value as text: lists joined, nested objects as "key: value" pairs, never JSON braces. */
export function detailValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.map(detailValue).join(", ");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${detailLabel(k)}: ${detailValue(v)}`)
      .join("; ");
  }
  if (typeof value === "boolean") return value ? "✓" : "✗";
  return String(value);
}
