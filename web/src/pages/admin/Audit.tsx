/** The audit log, newest first, with filters kept in the URL (shareable views). */
import { useState } from "preact/hooks";
import { api } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { setQuery, useLocation } from "../../lib/router";
import { Card, ErrorAlert, Field, Loading, Pager } from "../../components/ui";
import { useT } from "./messages";

type Entry = { id: string; actor: { kind: string; id: string | null; name: string | null }; action: string; targetType: string; targetId: string | null; data: unknown; at: string };
const FILTERS = ["action", "actor", "targetType", "targetId", "from", "to"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const PAGE_SIZE = 50;
const FAMILIES = ["survey.*", "invitations.*", "respondent.*", "member.*", "staff_invitation.*", "organization.*", "webhook.*", "api_key.*", "complaint.*", "response.*"];

export function AuditSection() {
  const t = useT();
  const { date, num } = useI18n();
  const { query } = useLocation();
  const applied = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ""])) as Filters;
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const [draft, setDraft] = useState<Filters>(applied);
  const list = useAsync(
    (signal) => api<{ total: number; items: Entry[] }>("/api/audit", { query: { ...applied, page, pageSize: PAGE_SIZE }, signal }),
    [JSON.stringify(applied), page],
  );

  return (
    <div class="stack">
      <Card title={t("a.filters")}>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ ...draft, page: undefined });
          }}
        >
          <Field id="audit-action" label={t("a.action")} hint={t("a.actionHint")}>
            {(p) => <input {...p} list="audit-families" autocomplete="off" value={draft.action} onInput={(e) => setDraft({ ...draft, action: e.currentTarget.value.trim() })} />}
          </Field>
          <datalist id="audit-families">
            {FAMILIES.map((f) => (
              <option key={f} value={f} />
            ))}
          </datalist>
          <Field id="audit-actor" label={t("a.actor")}>
            {(p) => <input {...p} autocomplete="off" value={draft.actor} onInput={(e) => setDraft({ ...draft, actor: e.currentTarget.value.trim() })} />}
          </Field>
          <Field id="audit-target-type" label={t("a.targetType")}>
            {(p) => <input {...p} autocomplete="off" value={draft.targetType} onInput={(e) => setDraft({ ...draft, targetType: e.currentTarget.value.trim() })} />}
          </Field>
          <Field id="audit-target-id" label={t("a.targetId")}>
            {(p) => <input {...p} autocomplete="off" value={draft.targetId} onInput={(e) => setDraft({ ...draft, targetId: e.currentTarget.value.trim() })} />}
          </Field>
          <Field id="audit-from" label={t("a.from")}>
            {(p) => <input {...p} type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />}
          </Field>
          <Field id="audit-to" label={t("a.to")}>
            {(p) => <input {...p} type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />}
          </Field>
          <div class="filter-actions">
            <button type="submit" class="btn btn-primary">
              {t("a.apply")}
            </button>
            <button
              type="button"
              class="btn"
              onClick={() => {
                const empty = Object.fromEntries(FILTERS.map((f) => [f, ""])) as Filters;
                setDraft(empty);
                setQuery({ ...empty, page: undefined });
              }}
            >
              {t("a.reset")}
            </button>
          </div>
        </form>
      </Card>
      <Card title={list.data ? t("a.count", { n: num(list.data.total, 0) }) : t("a.title")}>
        <ErrorAlert error={list.error} onRetry={list.reload} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.total === 0 && <p class="empty">{t("a.none")}</p>}
        {list.data && list.data.total > 0 && (
          <>
            <div class="table-wrap">
              <table class="table table-compact" data-testid="audit-table">
                <thead>
                  <tr>
                    <th scope="col">{t("a.at")}</th>
                    <th scope="col">{t("a.who")}</th>
                    <th scope="col">{t("a.action")}</th>
                    <th scope="col">{t("a.target")}</th>
                    <th scope="col">{t("a.data")}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((entry) => (
                    <tr key={entry.id}>
                      <td class="a-nowrap">{date(entry.at, true)}</td>
                      <td>
                        {entry.actor.id ? (
                          <button type="button" class="btn-link" title={t("a.filterActor")} onClick={() => { setDraft({ ...draft, actor: entry.actor.id! }); setQuery({ actor: entry.actor.id, page: undefined }); }}>
                            {entry.actor.name ?? entry.actor.id}
                          </button>
                        ) : (
                          <span class="muted">{t("a.system")}</span>
                        )}
                        {entry.actor.kind === "api_key" && <span class="muted small"> ({t("a.apiKey")})</span>}
                      </td>
                      <td>
                        <code>{entry.action}</code>
                      </td>
                      <td class="break small">
                        {entry.targetType}
                        {entry.targetId ? <> · <code>{entry.targetId}</code></> : null}
                      </td>
                      <td class="a-data">{entry.data ? <AuditData data={entry.data} /> : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => setQuery({ page: p }, { replace: false })} />
          </>
        )}
      </Card>
    </div>
  );
}

function AuditData({ data }: { data: unknown }) {
  const text = JSON.stringify(data);
  if (text.length <= 80) return <code class="small break">{text}</code>;
  return (
    <details>
      <summary>
        <code class="small">{text.slice(0, 60)}…</code>
      </summary>
      <pre class="a-json">{JSON.stringify(data, null, 2)}</pre>
    </details>
  );
}
