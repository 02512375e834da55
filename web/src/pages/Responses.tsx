import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError, withQuery } from "../lib/api";
import { useAsync } from "../lib/hooks";
import { useI18n, type I18n } from "../lib/i18n";
import { setQuery, useLocation } from "../lib/router";
import { can, useSession } from "../lib/session";
import { localized, type Funnel, type ResponseItem, type ResponseList, type ResponseNote, type ResponseTags, type SurveyDefinition, type SurveyDetail, type SurveyItem } from "../lib/types";
import { Badge, Card, Drawer, ErrorAlert, Field, Loading, Pager, Table } from "../components/ui";
import { BackgroundExport } from "../components/BackgroundExport";
import { OpenAnswerSearch } from "./OpenAnswerSearch";

const PAGE_SIZE = 25;

/** A date input (YYYY-MM-DD, local) as the start of that local day. */
function startOfDay(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).toISOString();
}
/** The `to` filter is exclusive on the server; a picked end date includes that whole day. */
function endOfDay(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1).toISOString();
}

type Slot = { id: string; label: string; item: SurveyItem; rowLabel?: string };

function answerSlots(def: SurveyDefinition, lang: string): Slot[] {
  const slots: Slot[] = [];
  for (const page of def.pages) {
    for (const item of page.items) {
      const label = localized(item.label, lang, def.defaultLanguage);
      if (item.type === "matrix") {
        for (const row of item.rows) slots.push({ id: row.id, label, item, rowLabel: localized(row.label, lang, def.defaultLanguage) });
      } else slots.push({ id: item.id, label, item });
    }
  }
  return slots;
}

export function formatAnswer(value: unknown, item: SurveyItem | undefined, i18n: I18n, def?: SurveyDefinition): string {
  const { t, lang } = i18n;
  if (value === undefined || value === null) return "—";
  if (typeof value === "boolean") return value ? t("common.yes") : t("common.no");
  if (item && (item.type === "single_choice" || item.type === "multiple_choice")) {
    const label = (id: unknown) => {
      const option = item.options.find((o) => o.id === id);
      return option ? localized(option.label, lang, def?.defaultLanguage) : String(id);
    };
    return Array.isArray(value) ? value.map(label).join(", ") : label(value);
  }
  if (Array.isArray(value)) return value.map(String).join(", ");
  if (typeof value === "number" && item) {
    if (item.type === "rating") return `${value} (${item.min}–${item.max})`;
    if (item.type === "satisfaction5" || (item.type === "matrix" && item.scale.type === "satisfaction5")) return `${value} / 5`;
    if (item.type === "matrix" && item.scale.type === "rating") return `${value} (${item.scale.min}–${item.scale.max})`;
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function ResponsesTab({ survey }: { survey: SurveyDetail }) {
  const i18n = useI18n();
  const { t, date } = i18n;
  const { me } = useSession();
  const { query } = useLocation();
  const def = survey.draftDefinition;
  const hiddenFields = def.hiddenFields;
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const applied = {
    from: query.get("from") ?? "",
    to: query.get("to") ?? "",
    status: query.get("status") ?? "",
    hidden: Object.fromEntries(hiddenFields.map((h) => [h.id, query.get(`h.${h.id}`) ?? ""])) as Record<string, string>,
    scoreItem: query.get("score") ?? "",
    scoreMin: query.get("smin") ?? "",
    scoreMax: query.get("smax") ?? "",
  };
  const [draft, setDraft] = useState(applied);
  const [selected, setSelected] = useState<ResponseItem | null>(null);
  const slots = useMemo(() => answerSlots(def, i18n.lang), [def, i18n.lang]);
  const textSlots = slots.filter((s) => s.item.type === "text");
  const numericSlots = slots.filter((s) => s.item.type === "rating" || s.item.type === "satisfaction5" || s.item.type === "matrix");
  const [version, setVersion] = useState(0);

  const apiQuery = {
    from: startOfDay(applied.from),
    to: endOfDay(applied.to),
    status: applied.status || undefined,
    ...Object.fromEntries(Object.entries(applied.hidden).filter(([, v]) => v).map(([k, v]) => [`hidden.${k}`, v])),
    ...(applied.scoreItem && (applied.scoreMin || applied.scoreMax) ? { [`score.${applied.scoreItem}`]: `${applied.scoreMin}..${applied.scoreMax}` } : {}),
  };
  const key = JSON.stringify(apiQuery);
  const list = useAsync(
    (signal) =>
      api<ResponseList>(`/api/surveys/${encodeURIComponent(survey.id)}/responses`, {
        query: { ...apiQuery, page, pageSize: PAGE_SIZE },
        signal,
      }),
    [survey.id, key, page, version],
  );

  function apply(event: Event) {
    event.preventDefault();
    setQuery({
      from: draft.from,
      to: draft.to,
      status: draft.status,
      page: undefined,
      score: draft.scoreItem,
      smin: draft.scoreItem ? draft.scoreMin : undefined,
      smax: draft.scoreItem ? draft.scoreMax : undefined,
      ...Object.fromEntries(hiddenFields.map((h) => [`h.${h.id}`, draft.hidden[h.id]])),
    });
  }
  function reset() {
    const empty = { from: "", to: "", status: "", scoreItem: "", scoreMin: "", scoreMax: "", hidden: Object.fromEntries(hiddenFields.map((h) => [h.id, ""])) };
    setDraft(empty);
    setQuery({
      from: undefined,
      to: undefined,
      status: undefined,
      page: undefined,
      score: undefined,
      smin: undefined,
      smax: undefined,
      ...Object.fromEntries(hiddenFields.map((h) => [`h.${h.id}`, undefined])),
    });
  }
  const rangeError = applied.from && applied.to && applied.from > applied.to ? t("resp.rangeInvalid") : undefined;
  const exportHref = withQuery(`/api/surveys/${encodeURIComponent(survey.id)}/responses/export.csv`, apiQuery);
  const xlsxHref = withQuery(`/api/surveys/${encodeURIComponent(survey.id)}/responses/export.xlsx`, apiQuery);

  return (
    <div class="stack">
      <Card title={t("resp.filters")}>
        <form class="filters" onSubmit={apply} aria-label={t("resp.filters")}>
          <Field id="resp-from" label={t("filters.from")}>
            {(p) => <input {...p} type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />}
          </Field>
          <Field id="resp-to" label={t("filters.to")} error={rangeError}>
            {(p) => <input {...p} type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />}
          </Field>
          <Field id="resp-status" label={t("resp.status")}>
            {(p) => (
              <select {...p} value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
                <option value="">{t("common.all")}</option>
                <option value="completed">{t("resp.status.completed")}</option>
                <option value="partial">{t("resp.status.partial")}</option>
              </select>
            )}
          </Field>
          {hiddenFields.map((h) => (
            <Field key={h.id} id={`resp-h-${h.id}`} label={<span data-content>{h.label ?? h.id}</span>}>
              {(p) =>
                h.allowedValues ? (
                  <select {...p} value={draft.hidden[h.id] ?? ""} onChange={(e) => setDraft({ ...draft, hidden: { ...draft.hidden, [h.id]: e.currentTarget.value } })}>
                    <option value="">{t("common.all")}</option>
                    {h.allowedValues.map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input {...p} maxLength={200} value={draft.hidden[h.id] ?? ""} onInput={(e) => setDraft({ ...draft, hidden: { ...draft.hidden, [h.id]: e.currentTarget.value } })} />
                )
              }
            </Field>
          ))}
          {numericSlots.length > 0 && (
            <>
              <Field id="resp-score-item" label={t("resp.score")}>
                {(p) => (
                  <select {...p} value={draft.scoreItem} onChange={(e) => setDraft({ ...draft, scoreItem: e.currentTarget.value })}>
                    <option value="">{t("common.none")}</option>
                    {numericSlots.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.id} — {(s.rowLabel ?? s.label).slice(0, 40)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id="resp-score-min" label={t("resp.scoreMin")}>
                {(p) => <input {...p} type="number" inputMode="numeric" value={draft.scoreMin} disabled={!draft.scoreItem} onInput={(e) => setDraft({ ...draft, scoreMin: e.currentTarget.value })} />}
              </Field>
              <Field id="resp-score-max" label={t("resp.scoreMax")} error={list.error instanceof ApiError ? list.error.fieldError(`score.${applied.scoreItem}`) : undefined}>
                {(p) => <input {...p} type="number" inputMode="numeric" value={draft.scoreMax} disabled={!draft.scoreItem} onInput={(e) => setDraft({ ...draft, scoreMax: e.currentTarget.value })} />}
              </Field>
            </>
          )}
          <div class="filter-actions">
            <button type="submit" class="btn btn-primary">
              {t("common.apply")}
            </button>
            <button type="button" class="btn" onClick={reset}>
              {t("common.reset")}
            </button>
            {can(me, "responses:export") && (
              <>
                <a class="btn" href={exportHref} download>
                  {t("resp.exportCsv")}
                </a>
                <a class="btn" href={xlsxHref} download>
                  {t("resp.exportXlsx")}
                </a>
                <BackgroundExport surveyId={survey.id} query={apiQuery} />
              </>
            )}
          </div>
        </form>
      </Card>

      <FunnelCard survey={survey} from={applied.from} to={applied.to} />
      {can(me, "analytics:read") && <OpenAnswerSearch surveyId={survey.id} />}
      <Card title={list.data ? t("resp.count", { n: list.data.total }) : t("survey.tab.responses")}>
        <ErrorAlert error={list.error} onRetry={list.reload} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.total === 0 && <p class="empty">{t("resp.empty")}</p>}
        {list.data && list.data.items.length > 0 && (
          <>
            <Table class="table-click" testId="responses-table" columns={[{ label: t("resp.col.created") }, { label: t("resp.status") }, { label: t("resp.col.language") }, ...hiddenFields.map((h) => ({ label: h.label ?? h.id, content: true })), { label: t("resp.col.text") }, { label: t("resp.col.actions"), hiddenLabel: true }]}>
              {list.data.items.map((r) => {
                const text = textSlots.map((s) => r.answers[s.id]).find((v) => typeof v === "string" && v) as string | undefined;
                return (
                  <tr key={r.id} onClick={() => setSelected(r)}>
                    <td>{date(r.completedAt ?? r.createdAt, true)}</td>
                    <td>
                      <Badge tone={r.status === "completed" ? "ok" : "warn"}>{t(`resp.status.${r.status}`)}</Badge>
                    </td>
                    <td>{r.language}</td>
                    {hiddenFields.map((h) => (
                      <td key={h.id}>{r.hidden[h.id] ?? "—"}</td>
                    ))}
                    <td class="text-preview" data-testid="response-text">
                      {text ? (text.length > 80 ? `${text.slice(0, 80)}…` : text) : "—"}
                      {r.tags && r.tags.length > 0 && (
                        <div class="tag-list">
                          {r.tags.map((tag) => (
                            <Badge key={tag} tone="info">
                              {tag}
                            </Badge>
                          ))}
                        </div>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        class="btn btn-small"
                        onClick={(e) => {
                          e.stopPropagation();
                          setSelected(r);
                        }}
                      >
                        {t("resp.view")}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </Table>
            <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => setQuery({ page: p === 1 ? undefined : p }, { replace: false })} />
          </>
        )}
      </Card>
      <Drawer open={!!selected} title={t("resp.detail")} onClose={() => setSelected(null)}>
        {selected && (
          <>
            <ResponseDetail response={selected} slots={slots} def={def} />
            <Annotations
              surveyId={survey.id}
              response={selected}
              onTags={(tags) => {
                setSelected({ ...selected, tags });
                setVersion((v) => v + 1);
              }}
            />
          </>
        )}
      </Drawer>
    </div>
  );
}

function ResponseDetail({ response, slots, def }: { response: ResponseItem; slots: Slot[]; def: SurveyDefinition }) {
  const i18n = useI18n();
  const { t, date } = i18n;
  const known = new Set(slots.map((s) => s.id));
  const extra = Object.keys(response.answers).filter((k) => !known.has(k));
  return (
    <div class="response-detail" data-testid="response-detail">
      <dl class="facts">
        <div>
          <dt>{t("resp.col.id")}</dt>
          <dd>
            <code>{response.id}</code>
          </dd>
        </div>
        <div>
          <dt>{t("resp.status")}</dt>
          <dd>{t(`resp.status.${response.status}`)}</dd>
        </div>
        <div>
          <dt>{t("resp.col.created")}</dt>
          <dd>{date(response.createdAt, true)}</dd>
        </div>
        <div>
          <dt>{t("resp.col.completed")}</dt>
          <dd>{date(response.completedAt, true)}</dd>
        </div>
        <div>
          <dt>{t("resp.col.language")}</dt>
          <dd>{response.language}</dd>
        </div>
        <div>
          <dt>{t("surveys.col.version")}</dt>
          <dd>{response.version}</dd>
        </div>
        {Object.entries(response.hidden).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h3>{t("resp.answers")}</h3>
      <dl class="answers">
        {slots
          .filter((s) => response.answers[s.id] !== undefined)
          .map((s) => (
            <div key={s.id}>
              <dt>
                {s.label}
                {s.rowLabel ? ` — ${s.rowLabel}` : ""} <code class="muted small">{s.id}</code>
              </dt>
              <dd class={s.item.type === "text" ? "answer-text" : undefined}>{formatAnswer(response.answers[s.id], s.item, i18n, def)}</dd>
            </div>
          ))}
        {extra.map((k) => (
          <div key={k}>
            <dt>
              <code>{k}</code>
            </dt>
            <dd>{formatAnswer(response.answers[k], undefined, i18n)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function Annotations({ surveyId, response, onTags }: { surveyId: string; response: ResponseItem; onTags: (tags: string[]) => void }) {
  const { t, date } = useI18n();
  const { me } = useSession();
  const base = `/api/surveys/${encodeURIComponent(surveyId)}/responses/${encodeURIComponent(response.id)}`;
  const notes = useAsync((signal) => api<{ items: ResponseNote[] }>(`${base}/notes`, { signal }), [base]);
  const [tags, setTags] = useState((response.tags ?? []).join(", "));
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setTags((response.tags ?? []).join(", ")), [response.id]);
  const editable = can(me, "responses:annotate");

  async function saveTags(event: Event) {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    const list = [...new Set(tags.split(",").map((x) => x.trim()).filter(Boolean))];
    try {
      const result = await api<ResponseTags>(`${base}/tags`, { method: "PUT", body: { tags: list } });
      onTags(result.tags);
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  }
  async function addNote(event: Event) {
    event.preventDefault();
    if (!note.trim()) return;
    setError(undefined);
    try {
      await api(`${base}/notes`, { method: "POST", body: { body: note.trim() } });
      setNote("");
      notes.reload();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <div class="annotations">
      <ErrorAlert error={error} />
      {editable ? (
        <form class="form" onSubmit={saveTags}>
          <Field id="resp-tags" label={t("resp.tags")} hint={t("resp.tagsHint")} error={error instanceof ApiError ? error.fieldError("tags") : undefined}>
            {(p) => <input {...p} value={tags} maxLength={1100} onInput={(e) => setTags(e.currentTarget.value)} />}
          </Field>
          <div class="btn-row">
            <button type="submit" class="btn btn-small">
              {t("resp.saveTags")}
            </button>
            {saved && (
              <span role="status" class="small text-ok">
                {t("resp.saved")}
              </span>
            )}
          </div>
        </form>
      ) : (
        <>
          <h3>{t("resp.tags")}</h3>
          <p>{(response.tags ?? []).join(", ") || "—"}</p>
        </>
      )}
      <h3>{t("resp.notes")}</h3>
      {notes.error ? <ErrorAlert error={notes.error} /> : null}
      {notes.data && notes.data.items.length === 0 && <p class="muted small">{t("resp.notesEmpty")}</p>}
      <ul class="note-list">
        {notes.data?.items.map((n) => (
          <li key={n.id}>
            <p class="answer-text">{n.body}</p>
            <p class="muted small">
              {n.authorName ?? "—"} · {date(n.createdAt, true)}
            </p>
          </li>
        ))}
      </ul>
      {editable && (
        <form class="form" onSubmit={addNote}>
          <Field id="resp-note" label={t("resp.noteLabel")} error={error instanceof ApiError ? error.fieldError("body") : undefined}>
            {(p) => <textarea {...p} rows={3} maxLength={5000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
          </Field>
          <div>
            <button type="submit" class="btn btn-small" disabled={!note.trim()}>
              {t("resp.addNote")}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

/** Views → starts → completions for the filtered dates, and where partial responses stopped. */
function FunnelCard({ survey, from, to }: { survey: SurveyDetail; from: string; to: string }) {
  const { t, num, pct } = useI18n();
  const funnel = useAsync(
    (signal) => api<Funnel>(`/api/surveys/${encodeURIComponent(survey.id)}/funnel`, { query: { from: from || undefined, to: to || undefined }, signal }),
    [survey.id, from, to],
  );
  // Servers without the funnel endpoint (404) simply show no funnel.
  if (!funnel.data) return funnel.error && !(funnel.error instanceof ApiError && funnel.error.status === 404) ? <ErrorAlert error={funnel.error} /> : null;
  const f = funnel.data;
  return (
    <Card title={t("resp.funnel")}>
      <ol class="funnel" data-testid="funnel">
        <li>
          <span class="funnel-n">{num(f.views, 0)}</span> {t("resp.funnelViews")}
        </li>
        <li>
          <span class="funnel-n">{num(f.starts, 0)}</span> {t("resp.funnelStarts")} {f.startRate !== null && <span class="muted small">({pct(f.startRate)})</span>}
        </li>
        <li>
          <span class="funnel-n">{num(f.completions, 0)}</span> {t("resp.funnelCompletions")}{" "}
          {f.completionRate !== null && <span class="muted small">({pct(f.completionRate)})</span>}
        </li>
      </ol>
      {f.starts > f.views && (
        <p class="muted small" data-testid="funnel-note">
          {t("resp.funnelMoreStarts")}
        </p>
      )}
      {f.dropOff.length > 0 && (
        <details>
          <summary>{t("resp.funnelDropOff")}</summary>
          <table class="table table-compact">
            <tbody>
              {f.dropOff.map((d) => (
                <tr key={d.pageIndex}>
                  <th scope="row">{d.title ?? t("resp.funnelPage", { n: d.pageIndex + 1 })}</th>
                  <td class="num">{num(d.partials, 0)}</td>
                  <td class="num">{pct(d.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </Card>
  );
}
