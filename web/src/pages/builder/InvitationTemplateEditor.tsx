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

type Language = "en" | "zh-CN";
type Template = Record<Language, { subject: string; body: string }>;
type TemplateState = { custom: boolean; template: Template; placeholders: Record<string, string>; updatedAt: string | null };
type Preview = Record<Language, { subject: string; text: string; html: string }>;

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
};
const zhCN: typeof en = {
  title: "邀请邮件",
  intro: "每位受邀者收到的含个人链接的邮件（整个组织通用）。可使用下列占位符；正文必须包含 {{link}}。退订行总会自动附加。",
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
};
const useEditorMessages = makeMessagesHook(en, zhCN);
const useT = () => useEditorMessages().t;

export function InvitationTemplateEditor() {
  const t = useT();
  const { me } = useSession();
  const [state, setState] = useState<TemplateState | null>(null);
  const [draft, setDraft] = useState<Template | null>(null);
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
                    <code>{`{{${name}}}`}</code> — {meaning}
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
