import { useState } from "preact/hooks";
import { api } from "../../../lib/api";
import { useI18n } from "../../../lib/i18n";
import { Link } from "../../../lib/router";
import { segmentValueLabel } from "../../../lib/segment-labels";
import { Card, ErrorAlert } from "../../../components/ui";
import { useCT, useLabel } from "../messages";
import type { ComplaintDetail, ContextResponse, StatusLink } from "../types";
import { useComplaintAction } from "./useComplaintAction";

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

export function CustomerCard({ complaint }: { complaint: ComplaintDetail }) {
  const ct = useCT();
  const label = useLabel();
  const { date, lang } = useI18n();
  const [statusLink, setStatusLink] = useState<string>();
  const { error: linkError, act } = useComplaintAction();
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
            void act(async () => setStatusLink((await api<StatusLink>(`/api/complaints/${encodeURIComponent(complaint.id)}/status-link`)).statusUrl))
          }
        >
          {ct("detail.showStatusLink")}
        </button>
      )}
    </Card>
  );
}
