import { useRef, useState } from "preact/hooks";
import { ErrorAlert } from "../../../components/ui";
import { api } from "../../../lib/api";
import { useAsync } from "../../../lib/hooks";
import { useCT } from "../messages";
import type { ComplaintDetail, RenderedReply, ReplyTemplateList } from "../types";
import { useComplaintAction, type Run } from "./useComplaintAction";

export function ComposerCard({
  complaint,
  mode,
  setMode,
  composerRef,
  run,
}: {
  complaint: ComplaintDetail;
  mode: "reply" | "note";
  setMode: (m: "reply" | "note") => void;
  composerRef: { current: HTMLTextAreaElement | null };
  run: Run;
}) {
  const ct = useCT();
  const [text, setText] = useState<Record<"reply" | "note", string>>({ reply: "", note: "" });
  const [files, setFiles] = useState<File[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const { busy, error, act } = useComplaintAction();
  const templates = useAsync((signal) => api<ReplyTemplateList>("/api/reply-templates", { signal }).then((r) => r.items), []);
  const [templateId, setTemplateId] = useState("");
  const [inserted, setInserted] = useState("");
  /** The chosen canned reply, filled from this complaint in its language, added to what is already written. */
  async function insertTemplate() {
    const template = templates.data?.find((t) => t.id === templateId);
    if (!template) return;
    await act(async () => {
      const filled = await api<RenderedReply>(`/api/complaints/${encodeURIComponent(complaint.id)}/reply-templates/${encodeURIComponent(template.id)}`);
      const current = text.reply.trim();
      setText({ ...text, reply: current ? `${current}\n\n${filled.text}` : filled.text });
      setInserted(template.name);
      composerRef.current?.focus();
    });
  }
  const closed = complaint.state === "closed";
  const replyBlocked = closed && mode === "reply";
  async function submit(event?: Event) {
    event?.preventDefault();
    const value = text[mode].trim();
    if (!value || replyBlocked) return;
    const withFiles = mode === "reply" && files.length > 0;
    let body: unknown = { text: value };
    if (withFiles) {
      const form = new FormData();
      form.set("text", value);
      for (const file of files) form.append("files", file);
      body = form;
    }
    await act(async () => {
      await run(mode === "reply" ? "replies" : "notes", body, ct("keys.done", { action: ct(mode === "reply" ? "detail.sendReply" : "detail.addNote") }));
      setText({ ...text, [mode]: "" });
      if (withFiles) {
        setFiles([]);
        if (fileInput.current) fileInput.current.value = "";
      }
    });
  }
  return (
    <section class={`card composer composer-${mode}`} aria-labelledby="composer-title" id="composer">
      <div class="card-head">
        <h2 id="composer-title">{ct("detail.composer")}</h2>
        <div class="segmented" role="group" aria-label={ct("detail.composer")}>
          {(["reply", "note"] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={mode === m}
              class={`seg seg-${m}`}
              aria-keyshortcuts={m === "reply" ? "r" : "n"}
              onClick={() => setMode(m)}
              data-mode={m}
            >
              {ct(m === "reply" ? "detail.mode.reply" : "detail.mode.note")}
            </button>
          ))}
        </div>
      </div>
      <form onSubmit={submit} class="form">
        <ErrorAlert error={error} />
        {mode === "reply" && !replyBlocked && (templates.data?.length ?? 0) > 0 && (
          <div class="canned-reply">
            <label for="composer-template">{ct("replies.insertLabel")}</label>
            <select id="composer-template" value={templateId} onChange={(e) => setTemplateId(e.currentTarget.value)}>
              <option value="">{ct("replies.choose")}</option>
              {templates.data!.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            <button type="button" class="btn btn-small" disabled={!templateId || busy} onClick={() => void insertTemplate()}>
              {ct("replies.insert")}
            </button>
            <span role="status" class="small muted">
              {inserted && (
                <>
                  {ct("replies.inserted")} <span data-content>{inserted}</span>
                </>
              )}
            </span>
          </div>
        )}
        <label for="composer-text" class="visually-hidden">
          {ct(mode === "reply" ? "detail.mode.reply" : "detail.mode.note")}
        </label>
        <textarea
          id="composer-text"
          ref={composerRef}
          rows={4}
          maxLength={10000}
          value={text[mode]}
          disabled={replyBlocked}
          aria-describedby="composer-hint"
          onInput={(e) => setText({ ...text, [mode]: e.currentTarget.value })}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
          }}
        />
        <p id="composer-hint" class="field-hint">
          {replyBlocked ? ct("detail.replyClosed") : ct(mode === "reply" ? "detail.replyHint" : "detail.noteHint")}
        </p>
        {mode === "reply" && !replyBlocked && (
          <div class="field">
            <label for="composer-files">{ct("detail.attachFiles")}</label>
            <input
              id="composer-files"
              ref={fileInput}
              type="file"
              multiple
              accept="image/jpeg,image/png,image/gif,image/webp,image/heic,image/heif,application/pdf,text/plain,text/csv"
              onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))}
            />
            {files.length > 0 && <p class="field-hint">{ct("detail.attachedFiles", { n: files.length })}</p>}
          </div>
        )}
        <div>
          <button type="submit" class={`btn ${mode === "reply" ? "btn-primary" : "btn-note"}`} disabled={busy || replyBlocked || !text[mode].trim()}>
            {ct(mode === "reply" ? "detail.sendReply" : "detail.addNote")}
          </button>
        </div>
      </form>
    </section>
  );
}
