/**
 * Canned replies of the desk: managers and admins write each reply in English and Chinese with
 * {{placeholders}} the desk fills from the complaint; the server refuses an unknown placeholder (422),
 * and its message is shown beside the text it concerns.
 */
import "../../styles/complaints.css";
import { useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { Link } from "../../lib/router";
import { Card, ErrorAlert, Field, Loading, PageHeader } from "../../components/ui";
import { useCT, type CKey } from "./messages";
import type { ReplyTemplate, ReplyTemplateList } from "./types";


const EMPTY = { name: "", en: "", zh: "" };

export function ReplyTemplatesPage() {
  const ct = useCT();
  const list = useAsync((signal) => api<ReplyTemplateList>("/api/reply-templates", { signal }), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Kept as a key and a name, not a sentence: switching the language re-words it.
  const [notice, setNotice] = useState<{ key: "replies.saved" | "replies.deleted"; name: string } | null>(null);
  const fieldError = (field: string) => (error instanceof ApiError ? error.fieldError(field) : undefined);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = { name: form.name, body: { en: form.en, "zh-CN": form.zh } };
      await api(editing ? `/api/reply-templates/${encodeURIComponent(editing)}` : "/api/reply-templates", { method: editing ? "PUT" : "POST", body });
      setNotice({ key: "replies.saved", name: form.name.trim() });
      setForm(EMPTY);
      setEditing(null);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function remove(template: ReplyTemplate) {
    setError(undefined);
    try {
      await api(`/api/reply-templates/${encodeURIComponent(template.id)}`, { method: "DELETE" });
      setNotice({ key: "replies.deleted", name: template.name });
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <PageHeader title={ct("replies.title")} subtitle={ct("replies.subtitle")}>
        <Link to="/complaints" class="btn btn-small">
          {ct("replies.backToQueue")}
        </Link>
      </PageHeader>
      <p role="status" class="notice-line">
        {notice && (
          <>
            {ct(notice.key)} <span data-content>{notice.name}</span>
          </>
        )}
      </p>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <Card title={ct("replies.list")}>
          {list.data.items.length === 0 ? (
            <p class="empty">{ct("replies.none")}</p>
          ) : (
            <ul class="reply-template-list" data-testid="reply-templates">
              {list.data.items.map((template) => (
                <li key={template.id}>
                  <strong data-content>{template.name}</strong>
                  <div class="btn-row">
                    <button
                      type="button"
                      class="btn btn-small"
                      aria-label={ct("replies.editNamed", { name: template.name })}
                      onClick={() => {
                        setEditing(template.id);
                        setForm({ name: template.name, en: template.body.en, zh: template.body["zh-CN"] });
                        setError(undefined);
                        setTimeout(() => document.getElementById("rt-name")?.focus(), 0);
                      }}
                    >
                      {ct("replies.edit")}
                    </button>
                    <button type="button" class="btn btn-small" aria-label={ct("replies.deleteNamed", { name: template.name })} onClick={() => void remove(template)}>
                      {ct("replies.delete")}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
      <Card title={ct(editing ? "replies.editTitle" : "replies.newTitle")}>
        <form class="form" onSubmit={save} data-testid="reply-template-form">
          {error instanceof ApiError && error.status !== 422 && <ErrorAlert error={error} />}
          <Field id="rt-name" label={ct("replies.name")} error={fieldError("name")}>
            {(p) => <input {...p} value={form.name} maxLength={80} required onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />}
          </Field>
          <Field id="rt-en" label={ct("replies.textEn")} error={fieldError("body.en")}>
            {(p) => <textarea {...p} lang="en" rows={4} value={form.en} required onInput={(e) => setForm({ ...form, en: e.currentTarget.value })} />}
          </Field>
          <Field id="rt-zh" label={ct("replies.textZh")} error={fieldError("body.zh-CN")}>
            {(p) => <textarea {...p} lang="zh-CN" rows={4} value={form.zh} required onInput={(e) => setForm({ ...form, zh: e.currentTarget.value })} />}
          </Field>
          <div class="field-hint" id="rt-placeholders">
            <p>{ct("replies.placeholders")}</p>
            <dl class="placeholder-list">
              {Object.keys(list.data?.placeholders ?? {}).map((key) => (
                <div key={key}>
                  <dt>
                    <code>{`{{${key}}}`}</code>
                  </dt>
                  <dd>{ct(`replies.placeholder.${key}` as CKey)}</dd>
                </div>
              ))}
            </dl>
          </div>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {ct("replies.save")}
            </button>
            {editing && (
              <button
                type="button"
                class="btn"
                onClick={() => {
                  setEditing(null);
                  setForm(EMPTY);
                  setError(undefined);
                }}
              >
                {ct("replies.cancelEdit")}
              </button>
            )}
          </div>
        </form>
      </Card>
    </>
  );
}
