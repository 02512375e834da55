import "../../styles/complaints.css";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { BASE, href, navigate } from "../../lib/router";
import { useSession } from "../../lib/session";
import { ErrorAlert, Loading, PageHeader } from "../../components/ui";
import { loadReferenceData } from "./Queue";
import { useCT } from "./messages";
import { OverdueBadge, PriorityBadge, ShortcutHelp, StateBadge, useRelative, useShortcuts } from "./shared";
import { recallQueue, type ComplaintActionResult, type ComplaintDetail } from "./types";
import { ActionsCard } from "./cards/ActionsCard";
import { AssignmentCard } from "./cards/AssignmentCard";
import { ClassificationCard } from "./cards/ClassificationCard";
import { ComposerCard } from "./cards/ComposerCard";
import { CustomerCard } from "./cards/CustomerCard";
import { DescriptionCard } from "./cards/DescriptionCard";
import { HandlingCard } from "./cards/HandlingCard";
import { HandoffsCard } from "./cards/HandoffsCard";
import { SlaCard } from "./cards/SlaCard";
import { SuggestionCard } from "./cards/SuggestionCard";
import { TimelineCard } from "./cards/TimelineCard";
import { useComplaintAction } from "./cards/useComplaintAction";

/** One complaint for staff: the page keeps the complaint and the shortcuts; each card is its own file under cards/. */
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
  // The "m" shortcut acts outside any card: its failure shows under the page header.
  const shortcut = useComplaintAction();
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
    const result = await api<ComplaintActionResult>(`/api/complaints/${encodeURIComponent(id)}/${path}`, { method: "POST", body });
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
      shortcut.setError(undefined);
      if (!transition("acknowledge")) return setNotice(ct("keys.notPossible", { action: ct("t.acknowledge") }));
      setAsked({ name: "acknowledge", at: Date.now() });
    },
    m: () => {
      if (!me || me.user.kind !== "user" || !c) return;
      void shortcut.act(() => run("assignment", { teamId: c.teamId, assigneeId: me.user.id }, ct("keys.done", { action: ct("detail.assignMe") })));
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
          <ErrorAlert error={shortcut.error} />
          <div class="complaint-layout">
            <div class="stack">
              <DescriptionCard complaint={c} />
              <ActionsCard complaint={c} refData={ref.data} run={run} asked={asked} />
              <ComposerCard complaint={c} mode={mode} setMode={setMode} composerRef={composerRef} run={run} />
              <TimelineCard entries={c.timeline} refData={ref.data} complaintId={c.id} />
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
