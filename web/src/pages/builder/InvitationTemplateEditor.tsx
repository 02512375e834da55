/**
 * The organisation's survey invitation e-mail on the distribution screen: subject and body in each
 * invitation language with {{placeholders}}, a preview for a sample invitee (subject, text and the
 * HTML part, shown in a sandboxed frame), save and back-to-built-in. The server checks the
 * placeholders (an unknown one or a body without {{link}} is a problem naming it) and escapes the
 * text in the HTML part (/api/organisation/invitation-template).
 */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../lib/api";
import { can, useSession } from "../../lib/session";
import { Card, ErrorAlert } from "../../components/ui";
import { makeMessagesHook } from "../../lib/i18n";

import type { InvitationTemplatePreview as Preview, InvitationTemplateState as TemplateState } from "../../../../src/contracts/email-templates";

type Language = keyof TemplateState["template"];

const LANGUAGES: Language[] = ["en", "zh-CN"];
const PATH = "/api/organisation/invitation-template";

const en = {
  title: "Invitation e-mail",
  intro: "The e-mail each invitee receives with their personal link, for the whole organisation. Use the placeholders below; {{link}} must be in the body. The unsubscribe line is always added.",
  builtIn: "Built-in template",
  custom: "Your template",
  language: "Language",
  subject: "Subject",
  body: "Body",
  placeholders: "Placeholders",
  preview: "Preview",
  save: "Save template",
  saved: "Saved.",
  reset: "Back to the built-in template",
  previewSubject: "Subject:",
  previewHtml: "As the recipient's mail program shows it",
  "ph.name": "the invitee's name (the invitation's name hidden field), or a polite stand-in",
  "ph.survey_title": "the survey's title",
  "ph.organisation": "the organisation's name",
  "ph.link": "the invitee's personal survey link (required in the body; added when the e-mail is sent)",
  "ph.valid_until": "the last day the link works (YYYY-MM-DD); a line using it is left out when the link does not expire",
};
const zhCN: typeof en = {
  title: "邀请邮件",
  intro: "每位受邀者收到的含个人链接的邮件（整个组织通用）。可使用下列占位符；正文必须包含个人链接占位符（见列表）。退订行总会自动附加。",
  builtIn: "内置模板",
  custom: "自定义模板",
  language: "语言",
  subject: "主题",
  body: "正文",
  placeholders: "占位符",
  preview: "预览",
  save: "保存模板",
  saved: "已保存。",
  reset: "恢复内置模板",
  previewSubject: "主题：",
  previewHtml: "收件人的邮件程序中的显示效果",
  "ph.name": "受邀者的姓名（邀请中的姓名隐藏字段），没有时使用礼貌称呼",
  "ph.survey_title": "问卷标题",
  "ph.organisation": "组织名称",
  "ph.link": "受邀者的个人问卷链接（正文必须包含；发送邮件时填入）",
  "ph.valid_until": "链接有效的最后一天（年-月-日）；链接不过期时，含此占位符的那一行会被省略",
};
const useEditorMessages = makeMessagesHook(en, zhCN);
const useT = () => useEditorMessages().t;

type EditorKey = keyof typeof en;

/** The placeholder's meaning in the reader's language; the server's (English) text only for a name this page does not know. */
function placeholderMeaning(t: (key: EditorKey) => string, name: string, serverMeaning: string): string {
  const key = `ph.${name}`;
  return key in en ? t(key as EditorKey) : serverMeaning;
}

export function InvitationTemplateEditor() {
  const t = useT();
  const { me } = useSession();
  const [state, setState] = useState<TemplateState | null>(null);
  const [draft, setDraft] = useState<TemplateState["template"] | null>(null);
  const [language, setLanguage] = useState<Language>("en");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    api<TemplateState>(PATH, { signal: controller.signal })
      .then((loaded) => {
        setState(loaded);
        setDraft(loaded.template);
      })
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === "AbortError")) setError(e);
      });
    return () => controller.abort();
  }, []);

  if (!can(me, "invitations:write")) return null;

  async function act(work: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const showPreview = () => act(async () => setPreview(await api<Preview>(`${PATH}/preview`, { method: "POST", body: { template: draft } })));
  const save = () =>
    act(async () => {
      const next = await api<TemplateState>(PATH, { method: "PUT", body: draft });
      setState(next);
      setSaved(true);
    });
  const reset = () =>
    act(async () => {
      const next = await api<TemplateState>(PATH, { method: "DELETE" });
      setState(next);
      setDraft(next.template);
      setPreview(null);
    });
  const edit = (field: "subject" | "body", value: string) => {
    if (!draft) return;
    setDraft({ ...draft, [language]: { ...draft[language], [field]: value } });
    setSaved(false);
  };
  const current = draft?.[language];
  const shown = preview?.[language];

  return (
    <Card title={t("title")} id="invitation-template">
      <p>
        {t("intro")} {state && <strong data-testid="template-kind">{state.custom ? t("custom") : t("builtIn")}</strong>}
      </p>
      <ErrorAlert error={error} />
      {draft && current && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div class="field">
            <label for="tpl-language">{t("language")}</label>
            <select id="tpl-language" value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
              {LANGUAGES.map((code) => (
                <option value={code} key={code}>
                  {code === "en" ? "English" : "简体中文"}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="tpl-subject">{t("subject")}</label>
            <input id="tpl-subject" type="text" maxLength={200} value={current.subject} onInput={(e) => edit("subject", e.currentTarget.value)} data-testid="template-subject" />
          </div>
          <div class="field">
            <label for="tpl-body">{t("body")}</label>
            <textarea id="tpl-body" rows={10} value={current.body} onInput={(e) => edit("body", e.currentTarget.value)} data-testid="template-body" />
          </div>
          {state && (
            <details>
              <summary>{t("placeholders")}</summary>
              <ul>
                {Object.entries(state.placeholders).map(([name, meaning]) => (
                  <li key={name}>
                    <code>{`{{${name}}}`}</code> — {placeholderMeaning(t, name, meaning)}
                  </li>
                ))}
              </ul>
            </details>
          )}
          <div class="form-actions">
            <button type="button" class="btn" disabled={busy} onClick={() => void showPreview()} data-testid="template-preview">
              {t("preview")}
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="template-save">
              {t("save")}
            </button>
            {state?.custom && (
              <button type="button" class="btn" disabled={busy} onClick={() => void reset()}>
                {t("reset")}
              </button>
            )}
            {saved && <span role="status">{t("saved")}</span>}
          </div>
        </form>
      )}
      {shown && (
        <div data-testid="template-preview-result">
          <p>
            {t("previewSubject")} <strong>{shown.subject}</strong>
          </p>
          <pre style={{ whiteSpace: "pre-wrap" }}>{shown.text}</pre>
          {/* The HTML part in a frame that runs nothing and reaches nothing (the server escaped the text). */}
          <iframe title={t("previewHtml")} sandbox="" srcdoc={shown.html} style={{ width: "100%", minHeight: "16rem", border: "1px solid var(--border, #ccc)" }} />
        </div>
      )}
    </Card>
  );
}
