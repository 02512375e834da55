import "../../styles/complaints.css";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { BASE, href, Link, navigate } from "../../lib/router";
import { useSession } from "../../lib/session";
import { Badge, Card, ErrorAlert, Field, Loading, PageHeader } from "../../components/ui";
import { loadReferenceData } from "./Queue";
import { SuggestionCard } from "./SuggestionCard";
import { useCT, useLabel, type CKey } from "./messages";
import { segmentValueLabel } from "../../lib/segment-labels";
import { OverdueBadge, PriorityBadge, ShortcutHelp, StateBadge, useRelative, useShortcuts } from "./shared";
import { PRIORITIES, recallQueue, type ComplaintDetail, type ContextResponse, type Handoff, type Member, type Team, type TimelineEntry, type TransitionOption } from "./types";

type Ref = { members: Member[]; teams: Team[]; categories: string[] };

export function ComplaintPage({ id }: { id: string }) {
  const ct = useCT();
  const { date } = useI18n();
  const { me } = useSession();
  const rel = useRelative();
  const [complaint, setComplaint] = useState<ComplaintDetail>();
  const loaded = useAsync((signal) => api<ComplaintDetail>(`/api/complaints/${encodeURIComponent(id)}`, { signal }), [id]);
  useEffect(() => setComplaint(loaded.data), [loaded.data]);
  const ref = useAsync(() => loadReferenceData(), []);
  const [help, setHelp] = useState(false);
  const [mode, setMode] = useState<"reply" | "note">("reply");
  const [notice, setNotice] = useState<string>();
  const [asked, setAsked] = useState<{ name: string; at: number }>();
  const [shortcutError, setShortcutError] = useState<unknown>();
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const c = complaint;

  const queue = recallQueue();
  const pos = queue.ids.indexOf(id);
  const go = (delta: number) => {
    const next = queue.ids[pos + delta];
    if (pos >= 0 && next) navigate(href(`/complaints/${encodeURIComponent(next)}`));
  };
  const backToQueue = () => navigate(`${BASE}/complaints${queue.search}`);

  async function run(path: string, body: unknown, done?: string) {
    const result = await api<{ complaint: ComplaintDetail }>(`/api/complaints/${encodeURIComponent(id)}/${path}`, { method: "POST", body });
    setComplaint(result.complaint);
    if (done) setNotice(done);
    return result.complaint;
  }

  const focusComposer = (m: "reply" | "note") => {
    setMode(m);
    // Same textarea for both modes: focus now so no typed character is lost.
    composerRef.current?.focus();
  };
  const transition = (name: string) => c?.legalTransitions.find((o) => o.name === name);
  useShortcuts({
    j: () => go(1),
    k: () => go(-1),
    u: backToQueue,
    r: () => focusComposer("reply"),
    n: () => focusComposer("note"),
    "?": () => setHelp((h) => !h),
    // Like the button: the customer sees an acknowledgement, so "a" opens its form (with the message) to confirm.
    a: () => {
      setShortcutError(undefined);
      if (!transition("acknowledge")) return setNotice(ct("keys.notPossible", { action: ct("t.acknowledge") }));
      setAsked({ name: "acknowledge", at: Date.now() });
    },
    m: () => {
      if (!me || me.user.kind !== "user" || !c) return;
      setShortcutError(undefined);
      run("assignment", { teamId: c.teamId, assigneeId: me.user.id }, ct("keys.done", { action: ct("detail.assignMe") })).catch(setShortcutError);
    },
  });

  return (
    <>
      <p class="crumbs">
        <a
          href={`${BASE}/complaints${queue.search}`}
          onClick={(e) => {
            e.preventDefault();
            backToQueue();
          }}
        >
          ← {ct("detail.back")}
        </a>
        {pos >= 0 && (
          <span class="muted small">
            {" "}
            · {pos + 1} / {queue.ids.length}
          </span>
        )}
      </p>
      {loaded.loading && !c && <Loading />}
      <ErrorAlert error={loaded.error} onRetry={loaded.reload} />
      {c && (
        <>
          <PageHeader
            title={`${c.reference} · ${c.subject}`}
            subtitle={
              <span class="header-badges">
                <StateBadge state={c.state} /> <PriorityBadge priority={c.priority} /> {c.overdue && <OverdueBadge />}{" "}
                {c.state !== "closed" && <span class="small">{ct("detail.promised", { date: date(c.sla.promisedResolutionAt, true) })}</span>}
              </span>
            }
          >
            <button type="button" class="btn btn-small" onClick={() => setHelp(true)} aria-keyshortcuts="?">
              ? {ct("keys.title")}
            </button>
          </PageHeader>
          {notice && (
            <p class="alert alert-ok" role="status" data-testid="desk-notice">
              {notice}
            </p>
          )}
          <ErrorAlert error={shortcutError} />
          <div class="complaint-layout">
            <div class="stack">
              <Card title={ct("detail.description")}>
                <p class="free-text" data-testid="complaint-description">
                  {c.description}
                </p>
                {c.attachments.length > 0 && (
                  <>
                    <h3>{ct("detail.attachments")}</h3>
                    <ul data-testid="complaint-attachments">
                      {c.attachments.map((a) => (
                        <li key={a.id}>
                          <a href={`/api/complaints/${encodeURIComponent(c.id)}/attachments/${encodeURIComponent(a.id)}`} download={a.filename}>
                            {a.filename}
                          </a>{" "}
                          <span class="muted small">({Math.max(1, Math.round(a.size / 1024))} KB)</span>
                        </li>
                      ))}
                    </ul>
                  </>
                )}
                {c.desiredRemedy && (
                  <>
                    <h3>{ct("detail.desiredRemedy")}</h3>
                    <p class="free-text">{c.desiredRemedy}</p>
                  </>
                )}
                {c.proposedRemedy && (
                  <>
                    <h3>{ct("detail.proposedRemedy")}</h3>
                    <p class="free-text">{c.proposedRemedy}</p>
                  </>
                )}
                {c.resolution && (
                  <>
                    <h3>{ct("detail.resolution")}</h3>
                    <ResolutionView resolution={c.resolution} />
                  </>
                )}
              </Card>
              <Actions complaint={c} refData={ref.data} run={run} asked={asked} />
              <Composer complaint={c} mode={mode} setMode={setMode} composerRef={composerRef} run={run} />
              <Card title={ct("detail.timeline")} id="timeline">
                <Timeline entries={c.timeline} refData={ref.data} />
              </Card>
            </div>
            <aside class="stack" aria-label={ct("detail.customer")}>
              <SlaCard complaint={c} />
              <AssignmentCard complaint={c} refData={ref.data} run={run} />
              <ClassificationCard complaint={c} refData={ref.data} run={run} />
              {c.state !== "closed" && <SuggestionCard complaintId={c.id} categories={ref.data?.categories ?? []} onDecided={loaded.reload} />}
              <CustomerCard complaint={c} />
              <HandoffsCard complaint={c} refData={ref.data} onChanged={(next) => setComplaint(next)} />
              <HandlingCard complaint={c} />
            </aside>
          </div>
          <p class="muted small">
            {ct("detail.received")}: {date(c.receivedAt, true)} ({rel(c.receivedAt)})
          </p>
        </>
      )}
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
    </>
  );
}

type Run = (path: string, body: unknown, done?: string) => Promise<ComplaintDetail>;

function ResolutionView({ resolution }: { resolution: Record<string, unknown> }) {
  const ct = useCT();
  const outcome = String(resolution.outcome ?? "");
  return (
    <div>
      <p>
        <strong>{outcome === "accepted" || outcome === "closed_with_disagreement" ? ct(`form.outcome.${outcome}` as CKey) : outcome}</strong>
      </p>
      {typeof resolution.customerDisagreement === "string" && <p class="free-text">{resolution.customerDisagreement}</p>}
      {typeof resolution.alternativesOffered === "string" && <p class="free-text muted">{resolution.alternativesOffered}</p>}
    </div>
  );
}

/** Payload fields per transition (the API's TransitionBody description). */
type FieldSpec = { name: string; label: CKey; kind: "text" | "textarea" | "priority" | "category" | "severity" | "outcome"; required?: boolean; when?: (v: Record<string, string>) => boolean };
const PAYLOAD: Record<string, FieldSpec[]> = {
  acknowledge: [{ name: "message", label: "form.message", kind: "textarea" }],
  assess: [
    { name: "priority", label: "queue.priority", kind: "priority", required: true },
    { name: "category", label: "queue.category", kind: "category", required: true },
    { name: "severity", label: "detail.severity", kind: "severity" },
    { name: "note", label: "form.note", kind: "textarea" },
  ],
  start_investigation: [{ name: "note", label: "form.note", kind: "textarea" }],
  respond: [
    { name: "publicReply", label: "form.publicReply", kind: "textarea", required: true },
    { name: "proposedRemedy", label: "form.proposedRemedy", kind: "textarea", required: true },
  ],
  request_information: [{ name: "publicReply", label: "form.publicReply", kind: "textarea", required: true }],
  resume_from_waiting: [{ name: "note", label: "form.note", kind: "textarea" }],
  revise_response: [{ name: "reason", label: "form.reason", kind: "textarea", required: true }],
  close: [
    { name: "outcome", label: "form.outcome", kind: "outcome", required: true },
    { name: "customerDisagreement", label: "form.customerDisagreement", kind: "textarea", required: true, when: (v) => v.outcome === "closed_with_disagreement" },
    { name: "alternativesOffered", label: "form.alternativesOffered", kind: "textarea", when: (v) => v.outcome === "closed_with_disagreement" },
    { name: "publicReply", label: "form.closingReply", kind: "textarea" },
  ],
  reopen: [{ name: "reason", label: "form.reason", kind: "textarea", required: true }],
};

function payloadFor(name: string, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (name === "close") {
    out.resolution =
      values.outcome === "closed_with_disagreement"
        ? { outcome: "closed_with_disagreement", customerDisagreement: values.customerDisagreement, ...(values.alternativesOffered ? { alternativesOffered: values.alternativesOffered } : {}) }
        : { outcome: "accepted" };
    if (values.publicReply?.trim()) out.publicReply = values.publicReply.trim();
    return out;
  }
  for (const spec of PAYLOAD[name] ?? []) {
    const v = values[spec.name]?.trim();
    if (!v) continue;
    out[spec.name] = spec.kind === "severity" ? Number(v) : v;
  }
  return out;
}

function Actions({ complaint, refData, run, asked }: { complaint: ComplaintDetail; refData?: Ref; run: Run; asked?: { name: string; at: number } }) {
  const ct = useCT();
  const label = useLabel();
  const [open, setOpen] = useState<TransitionOption | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setOpen(null);
    setError(undefined);
  }, [complaint.state]);

  useEffect(() => {
    const option = asked && complaint.legalTransitions.find((o) => o.name === asked.name);
    if (option) start(option);
  }, [asked]);

  const specs = open ? (PAYLOAD[open.name] ?? []).filter((s) => !s.when || s.when(values)) : [];
  const start = (option: TransitionOption) => {
    setOpen(option);
    setLocal({});
    setError(undefined);
    setValues(option.name === "close" ? { outcome: "accepted" } : option.name === "assess" ? { priority: complaint.priority, category: complaint.category ?? "" } : {});
    setTimeout(() => document.getElementById(`tf-${(PAYLOAD[option.name] ?? [])[0]?.name}`)?.focus(), 0);
  };
  async function submit(event: Event) {
    event.preventDefault();
    if (!open) return;
    const missing: Record<string, string> = {};
    for (const s of specs) if (s.required && !values[s.name]?.trim()) missing[s.name] = ct("form.required");
    setLocal(missing);
    if (Object.keys(missing).length) {
      document.getElementById(`tf-${Object.keys(missing)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await run("transitions", { to: open.to, ...payloadFor(open.name, values) }, ct("keys.nowState", { state: label("state", open.to ?? complaint.state) }));
      setOpen(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const fieldError = (name: string) =>
    local[name] ?? (error instanceof ApiError ? error.fieldError(name) ?? (name === "customerDisagreement" ? error.fieldError("resolution.customerDisagreement") : undefined) : undefined);

  return (
    <Card title={ct("detail.actions")} id="actions">
      {complaint.legalTransitions.length === 0 ? (
        <p class="muted">{ct("detail.noActions")}</p>
      ) : (
        <div class="btn-row" role="group" aria-label={ct("detail.actions")} data-testid="transitions">
          {complaint.legalTransitions.map((o) => (
            <button
              key={o.name}
              type="button"
              class={`btn${open?.name === o.name ? " btn-primary" : ""}`}
              title={o.description}
              aria-expanded={open?.name === o.name}
              data-transition={o.name}
              aria-keyshortcuts={o.name === "acknowledge" ? "a" : undefined}
              onClick={() => (open?.name === o.name ? setOpen(null) : start(o))}
            >
              {label("t", o.name)}
              {o.to && o.to !== complaint.state ? ` → ${label("state", o.to)}` : ""}
            </button>
          ))}
        </div>
      )}
      {open && (
        <form class="form transition-form" onSubmit={submit} noValidate data-testid="transition-form">
          <p class="small muted">{open.description}</p>
          <ErrorAlert error={error} />
          {specs.map((s) => (
            <Field key={s.name} id={`tf-${s.name}`} label={ct(s.label)} error={fieldError(s.name)}>
              {(p) => <PayloadInput spec={s} props={p} value={values[s.name] ?? ""} onValue={(v) => setValues({ ...values, [s.name]: v })} categories={refData?.categories ?? []} />}
            </Field>
          ))}
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {ct("form.confirm", { action: label("t", open.name) })}
            </button>
            <button type="button" class="btn" onClick={() => setOpen(null)}>
              {ct("form.cancel")}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

function PayloadInput({ spec, props, value, onValue, categories }: { spec: FieldSpec; props: Record<string, unknown>; value: string; onValue: (v: string) => void; categories: string[] }) {
  const ct = useCT();
  const label = useLabel();
  switch (spec.kind) {
    case "priority":
      return (
        <select {...props} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          <option value="">{ct("detail.select")}</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {label("priority", p)}
            </option>
          ))}
        </select>
      );
    case "category":
      return (
        <select {...props} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          <option value="">{ct("detail.select")}</option>
          {(value && !categories.includes(value) ? [value, ...categories] : categories).map((c) => (
            <option key={c} value={c}>
              {label("category", c)}
            </option>
          ))}
        </select>
      );
    case "severity":
      return (
        <select {...props} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          <option value="">—</option>
          {[1, 2, 3, 4].map((s) => (
            <option key={s} value={String(s)}>
              {label("severity", s)}
            </option>
          ))}
        </select>
      );
    case "outcome":
      return (
        <select {...props} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          <option value="accepted">{ct("form.outcome.accepted")}</option>
          <option value="closed_with_disagreement">{ct("form.outcome.closed_with_disagreement")}</option>
        </select>
      );
    case "textarea":
      return <textarea {...props} rows={3} maxLength={10000} value={value} onInput={(e) => onValue(e.currentTarget.value)} />;
    default:
      return <input {...props} value={value} onInput={(e) => onValue(e.currentTarget.value)} />;
  }
}

function Composer({
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
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const closed = complaint.state === "closed";
  const replyBlocked = closed && mode === "reply";
  async function submit(event?: Event) {
    event?.preventDefault();
    const value = text[mode].trim();
    if (!value || replyBlocked) return;
    setBusy(true);
    setError(undefined);
    try {
      await run(mode === "reply" ? "replies" : "notes", { text: value }, ct("keys.done", { action: ct(mode === "reply" ? "detail.sendReply" : "detail.addNote") }));
      setText({ ...text, [mode]: "" });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
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
        <div>
          <button type="submit" class={`btn ${mode === "reply" ? "btn-primary" : "btn-note"}`} disabled={busy || replyBlocked || !text[mode].trim()}>
            {ct(mode === "reply" ? "detail.sendReply" : "detail.addNote")}
          </button>
        </div>
      </form>
    </section>
  );
}

function Timeline({ entries, refData }: { entries: TimelineEntry[]; refData?: Ref }) {
  const ct = useCT();
  const label = useLabel();
  const { date } = useI18n();
  const who = (id: unknown) => {
    if (typeof id !== "string") return "—";
    // An id is never shown: someone or a team the cached pickers do not know reads as "—".
    return refData?.members.find((m) => m.userId === id)?.name ?? refData?.teams.find((t) => t.id === id)?.name ?? "—";
  };
  const milestone = (m: unknown) => (typeof m === "string" ? ct(`detail.milestone.${m}` as CKey) : "—");
  return (
    <ol class="timeline" data-testid="timeline">
      {[...entries].reverse().map((e) => {
        const d = e.data;
        const actorName = e.actor.kind === "system" ? ct("ev.system") : e.actor.name ?? (e.actor.kind === "customer" ? ct("ev.customer") : e.actor.id);
        let title = e.type;
        let body: preact.ComponentChildren = null;
        switch (e.type) {
          case "received":
            title = ct("ev.received", { source: label("source", String(d.source ?? "")) });
            break;
          case "state_changed":
            title = `${label("t", String(d.transition ?? ""))}: ${ct("ev.state_changed", { from: label("state", String(d.from ?? "")), to: label("state", String(d.to ?? "")) })}`;
            body = (
              <>
                {d.priority !== undefined && (
                  <p>
                    {ct("queue.priority")}: {label("priority", String(d.priority))}
                  </p>
                )}
                {d.category !== undefined && (
                  <p>
                    {ct("queue.category")}: {label("category", String(d.category))}
                  </p>
                )}
                {typeof d.proposedRemedy === "string" && (
                  <p class="free-text">
                    {ct("detail.proposedRemedy")}: {d.proposedRemedy}
                  </p>
                )}
                {typeof d.reason === "string" && (
                  <p class="free-text">
                    {ct("form.reason")}: {d.reason}
                  </p>
                )}
                {d.resolution !== undefined && <ResolutionView resolution={d.resolution as Record<string, unknown>} />}
              </>
            );
            break;
          case "note":
            title = ct("ev.note");
            body = <p class="free-text">{String(d.text ?? "")}</p>;
            break;
          case "public_reply":
            title = ct(e.actor.kind === "customer" ? "ev.public_reply.customer" : e.actor.kind === "system" ? "ev.public_reply.system" : "ev.public_reply.staff");
            body = <p class="free-text">{String(d.text ?? "")}</p>;
            break;
          case "assigned":
            title = ct("ev.assigned", { who: [d.teamId ? who(d.teamId) : null, d.assigneeId ? who(d.assigneeId) : null].filter(Boolean).join(" / ") || "—" });
            break;
          case "classification_changed": {
            title = ct("ev.classification_changed");
            const ch = (k: string) => d[k] as { from: unknown; to: unknown } | undefined;
            body = (
              <>
                {ch("priority") && (
                  <p>
                    {ct("queue.priority")}: {label("priority", String(ch("priority")!.from ?? ""))} → {label("priority", String(ch("priority")!.to ?? ""))}
                  </p>
                )}
                {ch("category") && (
                  <p>
                    {ct("queue.category")}: {label("category", ch("category")!.from as string | null)} → {label("category", ch("category")!.to as string | null)}
                  </p>
                )}
                {ch("severity") && (
                  <p>
                    {label("severity", Number(ch("severity")!.from))} → {label("severity", Number(ch("severity")!.to))}
                  </p>
                )}
                {typeof d.reason === "string" && <p class="free-text">{d.reason}</p>}
              </>
            );
            break;
          }
          case "handed_off":
            title = ct("ev.handed_off", { who: who(d.ownerId) });
            body = (
              <>
                <p class="free-text">
                  {ct("detail.rootCause")}: {String(d.rootCause ?? "")}
                </p>
                <p class="free-text">
                  {ct("detail.correctiveAction")}: {String(d.correctiveAction ?? "")}
                </p>
              </>
            );
            break;
          case "escalated":
            title = ct("ev.escalated", { level: String(d.level ?? ""), milestone: milestone(d.milestone) });
            break;
          case "sla_breached":
            title = ct("ev.sla_breached", { milestone: milestone(d.milestone) });
            break;
        }
        return (
          <li key={e.id} class={`event event-${e.type} event-${e.visibility}${e.type === "public_reply" ? ` from-${e.actor.kind}` : ""}`}>
            <div class="event-head">
              <strong>{title}</strong>
              <Badge tone={e.visibility === "internal" ? "muted" : "info"}>{ct(e.visibility === "internal" ? "ev.internal" : "ev.public")}</Badge>
            </div>
            {body}
            <p class="event-meta muted small">
              <time dateTime={e.at}>{date(e.at, true)}</time> · {ct("ev.by", { who: actorName })}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

function SlaCard({ complaint }: { complaint: ComplaintDetail }) {
  const ct = useCT();
  const { date, num } = useI18n();
  return (
    <Card title={ct("detail.sla")} headingLevel={2}>
      {complaint.sla.paused && <p class="small muted">{ct("detail.slaPaused")}</p>}
      <ul class="sla-list">
        {complaint.sla.milestones.map((m) => (
          <li key={m.milestone} class={m.breached ? "sla-breached" : m.approaching && !m.metAt ? "sla-approaching" : m.metAt ? "sla-met" : undefined}>
            <strong>{ct(`detail.milestone.${m.milestone}` as CKey)}</strong>{" "}
            {/* A milestone met late was breached: it shows as breached only. */}
            {m.metAt && !m.breached ? <Badge tone="ok">{ct("detail.met", { date: date(m.metAt, true) })}</Badge> : null}
            {m.breached && <Badge tone="bad">{ct("detail.breached")}</Badge>}
            {!m.metAt && !m.breached && m.approaching && <Badge tone="warn">{ct("detail.approaching")}</Badge>}
            <div class="small muted">
              {ct("detail.dueAt", { date: date(m.dueAt, true) })} · {ct("detail.target", { h: num(m.targetMinutes / 60, m.targetMinutes % 60 ? 1 : 0) })}
            </div>
          </li>
        ))}
      </ul>
      {complaint.escalations.length > 0 && (
        <>
          <h3>{ct("detail.escalations")}</h3>
          <ul class="compact-list small">
            {complaint.escalations.map((e, i) => (
              <li key={i}>
                {ct(`detail.milestone.${e.milestone}` as CKey)} · L{e.level} · {date(e.at, true)}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

function AssignmentCard({ complaint, refData, run }: { complaint: ComplaintDetail; refData?: Ref; run: Run }) {
  const ct = useCT();
  const { t } = useI18n();
  const { me } = useSession();
  const [teamId, setTeamId] = useState(complaint.teamId ?? "");
  const [assigneeId, setAssigneeId] = useState(complaint.assigneeId ?? "");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setTeamId(complaint.teamId ?? "");
    setAssigneeId(complaint.assigneeId ?? "");
  }, [complaint.teamId, complaint.assigneeId]);
  const closed = complaint.state === "closed";
  const team = refData?.teams.find((x) => x.id === teamId);
  const people = team ? team.members.map((m) => ({ userId: m.userId, name: m.name, extra: m.openComplaints })) : (refData?.members ?? []).map((m) => ({ userId: m.userId, name: m.name, extra: undefined as number | undefined }));
  const act = async (body: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      await run("assignment", body, ct("keys.done", { action: ct("detail.assign") }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={ct("detail.assignment")}>
      <p>
        {complaint.assignee?.name ?? <span class="muted">{t("common.unassigned")}</span>}
        {complaint.team && <span class="muted"> · {complaint.team.name}</span>}
      </p>
      {!closed && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void act({ teamId: teamId || null, assigneeId: assigneeId || null });
          }}
        >
          <ErrorAlert error={error} />
          <Field id="as-team" label={ct("detail.assignTeam")} error={error instanceof ApiError ? error.fieldError("teamId") : undefined}>
            {(p) => (
              <select {...p} value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)}>
                <option value="">{ct("queue.noTeam")}</option>
                {refData?.teams.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="as-person" label={ct("detail.assignee")} error={error instanceof ApiError ? error.fieldError("assigneeId") : undefined}>
            {(p) => (
              <select {...p} value={assigneeId} onChange={(e) => setAssigneeId(e.currentTarget.value)}>
                <option value="">{t("common.unassigned")}</option>
                {people.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.name}
                    {m.extra !== undefined ? ` (${m.extra})` : ""}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {ct("detail.assign")}
            </button>
            {me?.user.kind === "user" && (
              <button type="button" class="btn" disabled={busy} aria-keyshortcuts="m" onClick={() => void act({ teamId: complaint.teamId, assigneeId: me.user.id })}>
                {ct("detail.assignMe")}
              </button>
            )}
            <button type="button" class="btn" disabled={busy} onClick={() => void act({ auto: true })}>
              {ct("detail.autoRoute")}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

function ClassificationCard({ complaint, refData, run }: { complaint: ComplaintDetail; refData?: Ref; run: Run }) {
  const ct = useCT();
  const label = useLabel();
  const [priority, setPriority] = useState<string>(complaint.priority);
  const [category, setCategory] = useState(complaint.category ?? "");
  const [severity, setSeverity] = useState(complaint.severity ? String(complaint.severity) : "");
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setPriority(complaint.priority);
    setCategory(complaint.category ?? "");
    setSeverity(complaint.severity ? String(complaint.severity) : "");
  }, [complaint.priority, complaint.category, complaint.severity]);
  if (complaint.state === "closed") return null;
  const categories = refData?.categories ?? [];
  return (
    <Card title={ct("detail.classification")}>
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          const body: Record<string, unknown> = {};
          if (priority !== complaint.priority) body.priority = priority;
          if (category && category !== complaint.category) body.category = category;
          if (severity && Number(severity) !== complaint.severity) body.severity = Number(severity);
          if (!Object.keys(body).length) return;
          try {
            await run("classification", body, ct("keys.done", { action: ct("detail.saveClassification") }));
          } catch (err) {
            setError(err);
          }
        }}
      >
        <ErrorAlert error={error} />
        <Field id="cl-priority" label={ct("queue.priority")} error={error instanceof ApiError ? error.fieldError("priority") : undefined}>
          {(p) => (
            <select {...p} value={priority} onChange={(e) => setPriority(e.currentTarget.value)}>
              {PRIORITIES.map((x) => (
                <option key={x} value={x}>
                  {label("priority", x)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="cl-category" label={ct("queue.category")} error={error instanceof ApiError ? error.fieldError("category") : undefined}>
          {(p) => (
            <select {...p} value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
              <option value="">—</option>
              {(category && !categories.includes(category) ? [category, ...categories] : categories).map((c) => (
                <option key={c} value={c}>
                  {label("category", c)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="cl-severity" label={ct("detail.severity")} error={error instanceof ApiError ? error.fieldError("severity") : undefined}>
          {(p) => (
            <select {...p} value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>
              <option value="">—</option>
              {[1, 2, 3, 4].map((s) => (
                <option key={s} value={String(s)}>
                  {label("severity", s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div>
          <button type="submit" class="btn">
            {ct("detail.saveClassification")}
          </button>
        </div>
      </form>
    </Card>
  );
}

function answersList(r: ContextResponse) {
  return Object.entries(r.answers).map(([k, v]) => (
    <div key={k}>
      <dt>
        <code>{k}</code>
      </dt>
      <dd class="free-text">{typeof v === "boolean" ? (v ? "✓" : "✗") : Array.isArray(v) ? v.join(", ") : String(v)}</dd>
    </div>
  ));
}

function CustomerCard({ complaint }: { complaint: ComplaintDetail }) {
  const ct = useCT();
  const label = useLabel();
  const { date, lang } = useI18n();
  const [statusLink, setStatusLink] = useState<string>();
  const [linkError, setLinkError] = useState<unknown>();
  const cc = complaint.customerContext;
  const segment: [string, unknown][] = [
    ["touchpoint", complaint.touchpoint],
    ["region", complaint.region],
    ["tier", complaint.tier],
    ...Object.entries(complaint.segment).filter(([k]) => !["touchpoint", "region", "tier"].includes(k)),
  ].filter(([, v]) => v !== null && v !== undefined && v !== "") as [string, unknown][];
  return (
    <Card title={ct("detail.customer")} id="customer">
      {complaint.contact.anonymous ? (
        <p class="muted">{ct("detail.anonymous")}</p>
      ) : (
        <dl class="facts facts-wide">
          {complaint.contact.name && (
            <div>
              <dt>{ct("detail.name")}</dt>
              <dd>{complaint.contact.name}</dd>
            </div>
          )}
          {complaint.contact.email && (
            <div>
              <dt>{ct("detail.email")}</dt>
              <dd>
                <a href={`mailto:${complaint.contact.email}`}>{complaint.contact.email}</a>
              </dd>
            </div>
          )}
          {complaint.contact.phone && (
            <div>
              <dt>{ct("detail.phone")}</dt>
              <dd>{complaint.contact.phone}</dd>
            </div>
          )}
        </dl>
      )}
      <p class="small">
        {ct("detail.source")}: {label("source", complaint.source)} · {complaint.language}
      </p>
      {segment.length > 0 && (
        <>
          <h3>{ct("detail.segment")}</h3>
          <p class="small">{segment.map(([k, v]) => `${label("segment", k)}: ${segmentValueLabel(String(v), lang)}`).join(" · ")}</p>
        </>
      )}
      {cc.sourceResponse && (
        <details open>
          <summary>
            {ct("detail.sourceResponse")} — {cc.sourceResponse.surveyTitle}
          </summary>
          <dl class="answers small">{answersList(cc.sourceResponse)}</dl>
        </details>
      )}
      <details>
        <summary>
          {ct("detail.otherResponses")} ({cc.otherResponses.length})
        </summary>
        {cc.otherResponses.length === 0 ? (
          <p class="muted small">{ct("detail.none")}</p>
        ) : (
          cc.otherResponses.map((r) => (
            <div key={r.id} class="context-response">
              <p class="small">
                <strong>{r.surveyTitle}</strong> · {date(r.completedAt)}
              </p>
              <dl class="answers small">{answersList(r)}</dl>
            </div>
          ))
        )}
      </details>
      <h3>{ct("detail.pastComplaints")}</h3>
      {cc.pastComplaints.length === 0 ? (
        <p class="muted small">{ct("detail.none")}</p>
      ) : (
        <ul class="compact-list small">
          {cc.pastComplaints.map((p) => (
            <li key={p.id}>
              <Link to={`/complaints/${encodeURIComponent(p.id)}`}>{p.reference}</Link> {p.subject} · {label("state", p.state)} · {date(p.receivedAt)}
            </li>
          ))}
        </ul>
      )}
      <h3>{ct("detail.statusLink")}</h3>
      <ErrorAlert error={linkError} />
      {statusLink ? (
        <p class="small break">
          <a href={statusLink} target="_blank" rel="noopener">
            {statusLink}
          </a>
        </p>
      ) : (
        <button
          type="button"
          class="btn btn-small"
          onClick={() =>
            api<{ statusUrl: string }>(`/api/complaints/${encodeURIComponent(complaint.id)}/status-link`).then(
              (r) => setStatusLink(r.statusUrl),
              setLinkError,
            )
          }
        >
          {ct("detail.showStatusLink")}
        </button>
      )}
    </Card>
  );
}

function HandoffsCard({ complaint, refData, onChanged }: { complaint: ComplaintDetail; refData?: Ref; onChanged: (c: ComplaintDetail) => void }) {
  const ct = useCT();
  const label = useLabel();
  const { date } = useI18n();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState({ rootCause: "", correctiveAction: "", preventiveAction: "", ownerId: "", dueDate: "" });
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const who = (id: string) => refData?.members.find((m) => m.userId === id)?.name ?? id;
  const fe = (name: string) => local[name] ?? (error instanceof ApiError ? error.fieldError(name) : undefined);

  async function submit(event: Event) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    for (const k of ["rootCause", "correctiveAction", "ownerId", "dueDate"] as const) if (!values[k].trim()) missing[k] = ct("form.required");
    setLocal(missing);
    if (Object.keys(missing).length) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ complaint: ComplaintDetail }>(`/api/complaints/${encodeURIComponent(complaint.id)}/handoffs`, {
        method: "POST",
        body: {
          rootCause: values.rootCause.trim(),
          correctiveAction: values.correctiveAction.trim(),
          ...(values.preventiveAction.trim() ? { preventiveAction: values.preventiveAction.trim() } : {}),
          ownerId: values.ownerId,
          dueDate: values.dueDate,
        },
      });
      onChanged(result.complaint);
      setOpen(false);
      setValues({ rootCause: "", correctiveAction: "", preventiveAction: "", ownerId: "", dueDate: "" });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  async function setStatus(h: Handoff, status: string) {
    try {
      await api(`/api/complaints/${encodeURIComponent(complaint.id)}/handoffs/${encodeURIComponent(h.id)}`, { method: "PATCH", body: { status } });
      onChanged(await api<ComplaintDetail>(`/api/complaints/${encodeURIComponent(complaint.id)}`));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Card title={ct("detail.handoffs")}>
      {!open && <ErrorAlert error={error} />}
      {complaint.handoffs.length === 0 && <p class="muted small">{ct("detail.none")}</p>}
      <ul class="handoff-list">
        {complaint.handoffs.map((h) => (
          <li key={h.id}>
            <p class="free-text small">
              <strong>{ct("detail.rootCause")}:</strong> {h.rootCause}
            </p>
            <p class="free-text small">
              <strong>{ct("detail.correctiveAction")}:</strong> {h.correctiveAction}
            </p>
            {h.preventiveAction && <p class="free-text small">{h.preventiveAction}</p>}
            <p class="small muted">
              {who(h.ownerId)} · {date(h.dueDate)}
            </p>
            <label class="inline-field small">
              <span>{ct("detail.handoffStatus")}</span>
              <select value={h.status} onChange={(e) => void setStatus(h, e.currentTarget.value)}>
                {["open", "in_progress", "done", "rejected"].map((s) => (
                  <option key={s} value={s}>
                    {label("handoff", s)}
                  </option>
                ))}
              </select>
            </label>
          </li>
        ))}
      </ul>
      {!open ? (
        <button type="button" class="btn btn-small" onClick={() => setOpen(true)}>
          {ct("detail.handoffNew")}
        </button>
      ) : (
        <form class="form" onSubmit={submit} noValidate>
          <ErrorAlert error={error} />
          <Field id="ho-root" label={ct("detail.rootCause")} error={fe("rootCause")}>
            {(p) => <textarea {...p} rows={2} value={values.rootCause} onInput={(e) => setValues({ ...values, rootCause: e.currentTarget.value })} />}
          </Field>
          <Field id="ho-corrective" label={ct("detail.correctiveAction")} error={fe("correctiveAction")}>
            {(p) => <textarea {...p} rows={2} value={values.correctiveAction} onInput={(e) => setValues({ ...values, correctiveAction: e.currentTarget.value })} />}
          </Field>
          <Field id="ho-preventive" label={ct("detail.preventiveAction")} error={fe("preventiveAction")}>
            {(p) => <textarea {...p} rows={2} value={values.preventiveAction} onInput={(e) => setValues({ ...values, preventiveAction: e.currentTarget.value })} />}
          </Field>
          <Field id="ho-owner" label={ct("detail.owner")} error={fe("ownerId")}>
            {(p) => (
              <select {...p} value={values.ownerId} onChange={(e) => setValues({ ...values, ownerId: e.currentTarget.value })}>
                <option value="">{ct("detail.select")}</option>
                {refData?.members.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="ho-due" label={ct("detail.dueDate")} error={fe("dueDate")}>
            {(p) => <input {...p} type="date" value={values.dueDate} onInput={(e) => setValues({ ...values, dueDate: e.currentTarget.value })} />}
          </Field>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {ct("detail.handoffCreate")}
            </button>
            <button type="button" class="btn" onClick={() => setOpen(false)}>
              {ct("keys.close")}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

function HandlingCard({ complaint }: { complaint: ComplaintDetail }) {
  const ct = useCT();
  const { t, num, date } = useI18n();
  const h = complaint.handlingSurvey;
  return (
    <Card title={ct("detail.handling")}>
      {!h.invitationIssued ? (
        <p class="muted small">{ct("detail.handlingNone")}</p>
      ) : !h.respondedAt ? (
        <p class="muted small">{ct("detail.handlingPending")}</p>
      ) : (
        <dl class="facts facts-inline">
          <div>
            <dt>CSAT</dt>
            <dd>{num(h.csat, 0)}</dd>
          </div>
          <div>
            <dt>CES</dt>
            <dd>{num(h.ces, 0)}</dd>
          </div>
          <div>
            <dt>{ct("detail.resolved")}</dt>
            <dd>{h.resolved === null ? "—" : h.resolved ? t("common.yes") : t("common.no")}</dd>
          </div>
          <div>
            <dt>{ct("detail.received")}</dt>
            <dd>{date(h.respondedAt, true)}</dd>
          </div>
        </dl>
      )}
    </Card>
  );
}
