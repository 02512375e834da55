/**
 * The audit log, newest first, in words: each entry a sentence ("Published a survey") with its details as
 * labelled values; filters by kind of action, by person (name or e-mail) and by date, kept in the URL
 * (shareable views). Target filters still work from a link (the row's "only this target").
 */
import { useState } from "preact/hooks";
import { api } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { setQuery, useLocation } from "../../lib/router";
import { Card, ErrorAlert, Field, Loading, Pager, Table } from "../../components/ui";
import { actionFamily, actionSentence, detailLabel, detailValue, FAMILIES, familyLabel, targetLabel } from "./audit-text";
import { useT } from "./messages";
import type { AuditPage } from "../../../../src/contracts/audit";
import type { Member } from "../../../../src/contracts/organisation";

const FILTERS = ["action", "actor", "targetType", "targetId", "from", "to"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const PAGE_SIZE = 50;

export function AuditSection() {
  const t = useT();
  const { date, num, lang } = useI18n();
  const members = useAsync((signal) => api<{ items: Member[] }>("/api/organisation/members", { signal }), []);
  const { query } = useLocation();
  const applied = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ""])) as Filters;
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const [draft, setDraft] = useState<Filters>(applied);
  const list = useAsync(
    (signal) => api<AuditPage>("/api/audit", { query: { ...applied, page, pageSize: PAGE_SIZE }, signal }),
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
          <Field id="audit-action" label={t("a.action")}>
            {(p) => (
              <select {...p} value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })}>
                <option value="">{t("a.allActions")}</option>
                {/* An exact action from a link keeps its own entry. */}
                {draft.action && !FAMILIES.some((f) => f.value === draft.action) && <option value={draft.action}>{actionSentence(draft.action, lang) ?? familyLabel(draft.action, lang)}</option>}
                {FAMILIES.map((f) => (
                  <option key={f.value} value={f.value}>
                    {familyLabel(f.value, lang)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="audit-actor" label={t("a.actor")} hint={t("a.actorHint")}>
            {(p) => <input {...p} list="audit-people" autocomplete="off" value={draft.actor} onInput={(e) => setDraft({ ...draft, actor: e.currentTarget.value.trim() })} />}
          </Field>
          <datalist id="audit-people">
            {(members.data?.items ?? []).map((m) => (
              <option key={m.email} value={m.name} />
            ))}
          </datalist>
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
            <Table class="table-compact" testId="audit-table" columns={[{ label: t("a.at") }, { label: t("a.who") }, { label: t("a.action") }, { label: t("a.target") }, { label: t("a.data") }]}>
              {list.data.items.map((entry) => (
                <tr key={entry.id}>
                  <td class="a-nowrap">{date(entry.at, true)}</td>
                  <td>
                    {entry.actor.id ? (
                      <button type="button" class="btn-link" title={t("a.filterActor")} onClick={() => { const actor = entry.actor.name ?? entry.actor.id!; setDraft({ ...draft, actor }); setQuery({ actor, page: undefined }); }}>
                        {entry.actor.name ?? entry.actor.id}
                      </button>
                    ) : (
                      <span class="muted">{t("a.system")}</span>
                    )}
                    {entry.actor.kind === "api_key" && <span class="muted small"> ({t("a.apiKey")})</span>}
                  </td>
                  <td data-action={entry.action}>
                    {actionSentence(entry.action, lang) ?? (
                      <>
                        {actionFamily(entry.action, lang) ?? t("a.otherAction")}: <code>{entry.action}</code>
                      </>
                    )}
                  </td>
                  <td class="break small">
                    {targetLabel(entry.targetType, lang)}
                    {entry.targetId ? <> · <code>{entry.targetId}</code></> : null}
                  </td>
                  <td class="a-data">{entry.data ? <AuditData data={entry.data} /> : "—"}</td>
                </tr>
              ))}
            </Table>
            <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => setQuery({ page: p }, { replace: false })} />
          </>
        )}
      </Card>
    </div>
  );
}

/** An entry's details as labelled values ("Status code: 200"), not JSON. */
function AuditData({ data }: { data: unknown }) {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return <span class="small">{detailValue(data)}</span>;
  return (
    <dl class="a-details small">
      {Object.entries(data as Record<string, unknown>).map(([key, value]) => (
        <div key={key}>
          <dt>{detailLabel(key)}</dt>
          <dd class="break">{detailValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
