import { Badge, Card } from "../../../components/ui";
import { useI18n } from "../../../lib/i18n";
import { useCT, useLabel, type CKey } from "../messages";
import type { TimelineEntry } from "../types";
import { ResolutionView } from "./ResolutionView";
import type { RefData } from "./useComplaintAction";

export function TimelineCard({ entries, refData, complaintId }: { entries: TimelineEntry[]; refData?: RefData; complaintId: string }) {
  const ct = useCT();
  return (
    <Card title={ct("detail.timeline")} id="timeline">
      <Timeline entries={entries} refData={refData} complaintId={complaintId} />
    </Card>
  );
}

/** The files a reply carried, as the domain's public_reply activity records them. */
function replyFiles(data: Record<string, unknown>): { id: string; filename: string; size: number }[] {
  const files = data.attachments;
  return Array.isArray(files) ? files.filter((f): f is { id: string; filename: string; size: number } => typeof f?.id === "string" && typeof f?.filename === "string") : [];
}

function Timeline({ entries, refData, complaintId }: { entries: TimelineEntry[]; refData?: RefData; complaintId: string }) {
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
            body = (
              <>
                <p class="free-text">{String(d.text ?? "")}</p>
                {replyFiles(d).length > 0 && (
                  <ul class="reply-files" aria-label={ct("detail.replyFiles")}>
                    {replyFiles(d).map((file) => (
                      <li key={file.id}>
                        <a href={`/api/complaints/${encodeURIComponent(complaintId)}/attachments/${encodeURIComponent(file.id)}`} download={file.filename}>
                          {file.filename}
                        </a>
                      </li>
                    ))}
                  </ul>
                )}
              </>
            );
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
