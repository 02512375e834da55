import { Badge, Card } from "../../../components/ui";
import { useI18n } from "../../../lib/i18n";
import { useCT, type CKey } from "../messages";
import type { ComplaintDetail } from "../types";

export function SlaCard({ complaint }: { complaint: ComplaintDetail }) {
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
