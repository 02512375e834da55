import { useState } from "preact/hooks";
import { api } from "../lib/api";
import { useAsync } from "../lib/hooks";
import { makeMessagesHook, useI18n, type MessageKey } from "../lib/i18n";
import { ITEM_WORDS_EN, ITEM_WORDS_ZH } from "../lib/item-words";
import { Link } from "../lib/router";
import { can, useSession } from "../lib/session";
import { localized, type IndicesResponse, type MeasurementPlan, type SurveyDetail, type SurveySummary } from "../lib/types";
import { Badge, Card, ErrorAlert, Loading, PageHeader, Table } from "../components/ui";
import { SurveyStatusBadge } from "./Surveys";
import { ResponsesTab } from "./Responses";
import { SurveyTabs } from "./builder/SurveyTabs";

type Tab = "overview" | "responses";

export function SurveyPage({ id, tab }: { id: string; tab: Tab }) {
  const { t } = useI18n();
  const survey = useAsync((signal) => api<SurveyDetail>(`/api/surveys/${encodeURIComponent(id)}`, { signal }), [id]);
  const s = survey.data;
  return (
    <>
      <p class="crumbs">
        <Link to="/surveys">← {t("surveys.title")}</Link>
      </p>
      {survey.loading && !s && <Loading />}
      <ErrorAlert error={survey.error} onRetry={survey.reload} />
      {s && (
        <>
          <PageHeader
            title={s.title}
            subtitle={
              <>
                <SurveyStatusBadge status={s.status} /> <code>{s.slug}</code>
              </>
            }
          />
          <SurveyTabs id={s.id} current={tab} />
          {tab === "overview" && <Overview survey={s} onChanged={survey.reload} />}
          {tab === "responses" && <ResponsesTab survey={s} />}
        </>
      )}
    </>
  );
}

const useItemWords = makeMessagesHook(ITEM_WORDS_EN, ITEM_WORDS_ZH);
type ItemWordKey = keyof typeof ITEM_WORDS_EN;

function Overview({ survey, onChanged }: { survey: SurveyDetail; onChanged: () => void }) {
  const { t, lang, num, date } = useI18n();
  const itemWords = useItemWords().t;
  /** What a question measures, in words: a metric role, or a SERVQUAL half (dimension and expectation/perception). */
  const metricWords = (metric: string | { role: string; dimension: string; kind: string }) =>
    typeof metric === "string"
      ? itemWords(`metric.${metric}` as ItemWordKey)
      : `SERVQUAL · ${itemWords(`sq.${metric.dimension}` as ItemWordKey)} · ${itemWords(`sq.${metric.kind}` as ItemWordKey)}`;
  const { me } = useSession();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const def = survey.draftDefinition;
  const publicUrl = `${location.origin}/s/${survey.slug}`;

  async function act(action: "publish" | "close" | "reopen") {
    setBusy(action);
    setError(undefined);
    setNotice(undefined);
    try {
      const updated = await api<SurveySummary>(`/api/surveys/${encodeURIComponent(survey.id)}/${action}`, { method: "POST" });
      setNotice(t(`survey.done.${action}` as MessageKey, { version: updated.publishedVersion ?? "—" }));
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div class="stack">
      <Card
        title={t("survey.summary")}
        actions={
          can(me, "surveys:publish") && (
            <div class="btn-row">
              {survey.status === "draft" && (
                <button type="button" class="btn btn-primary" disabled={!!busy} onClick={() => act("publish")}>
                  {t("survey.action.publish")}
                </button>
              )}
              {survey.status !== "draft" && (
                <button type="button" class="btn" disabled={!!busy} onClick={() => act("publish")}>
                  {t("survey.action.publishVersion")}
                </button>
              )}
              {survey.status === "published" && (
                <button type="button" class="btn" disabled={!!busy} onClick={() => act("close")}>
                  {t("survey.action.close")}
                </button>
              )}
              {survey.status === "closed" && (
                <button type="button" class="btn btn-primary" disabled={!!busy} onClick={() => act("reopen")}>
                  {t("survey.action.reopen")}
                </button>
              )}
            </div>
          )
        }
      >
        <ErrorAlert error={error} />
        {notice && (
          <p class="alert alert-ok" role="status">
            {notice}
          </p>
        )}
        <dl class="facts">
          <div>
            <dt>{t("surveys.col.status")}</dt>
            <dd>
              <SurveyStatusBadge status={survey.status} />
            </dd>
          </div>
          <div>
            <dt>{t("surveys.col.responses")}</dt>
            <dd>
              {num(survey.completedCount, 0)}
              {survey.responseQuota ? ` / ${num(survey.responseQuota, 0)}` : ""}
            </dd>
          </div>
          <div>
            <dt>{t("surveys.col.version")}</dt>
            <dd>{survey.publishedVersion ?? "—"}</dd>
          </div>
          <div>
            <dt>{t("surveys.col.access")}</dt>
            <dd>{t(`survey.access.${survey.accessMode}` as MessageKey)}</dd>
          </div>
          <div>
            <dt>{t("newSurvey.opensAt")}</dt>
            <dd>{date(survey.opensAt, true)}</dd>
          </div>
          <div>
            <dt>{t("newSurvey.closesAt")}</dt>
            <dd>{date(survey.closesAt, true)}</dd>
          </div>
          <div>
            <dt>{t("survey.anonymous")}</dt>
            <dd>{survey.anonymous ? t("common.yes") : t("common.no")}</dd>
          </div>
          <div>
            <dt>{t("survey.publicLink")}</dt>
            <dd>
              {survey.status === "published" && survey.accessMode !== "invitation" ? (
                <a href={publicUrl} target="_blank" rel="noopener">
                  {publicUrl}
                </a>
              ) : (
                <span class="muted">{t("survey.noPublicLink")}</span>
              )}
            </dd>
          </div>
        </dl>
        {can(me, "analytics:read") && survey.publishedVersion && (
          <p>
            <Link to={`/dashboard?survey=${encodeURIComponent(survey.id)}`}>{t("survey.openDashboard")}</Link>
          </p>
        )}
      </Card>

      {survey.missingTranslations.length > 0 && (
        <Card title={t("survey.missingTranslations", { count: survey.missingTranslations.length })} class="card-warn">
          <ul class="compact-list">
            {survey.missingTranslations.slice(0, 50).map((m) => (
              <li key={m.path + m.language}>
                <code>{m.path}</code> <Badge tone="warn">{m.language}</Badge> {m.message}
              </li>
            ))}
          </ul>
        </Card>
      )}

      <MeasurementPlanCard plan={def.measurementPlan} />

      {def.hiddenFields.length > 0 && (
        <Card title={t("survey.hiddenFields")}>
          <Table columns={[{ label: t("survey.hidden.id") }, { label: t("survey.hidden.label") }, { label: t("survey.hidden.segment") }, { label: t("survey.hidden.allowed") }]}>
            {def.hiddenFields.map((h) => (
              <tr key={h.id}>
                <th scope="row">
                  <code>{h.id}</code>
                </th>
                <td>{h.label ?? ""}</td>
                <td>{h.segment ?? "—"}</td>
                <td>{h.allowedValues?.join(", ") ?? t("survey.hidden.any")}</td>
              </tr>
            ))}
          </Table>
        </Card>
      )}

      <Card title={t("survey.questionnaire")}>
        <p class="muted small">{t("survey.questionnaireHint", { languages: def.languages.join(", "), default: def.defaultLanguage })}</p>
        {def.pages.map((page, i) => (
          <section key={page.id} class="outline-page" aria-labelledby={`page-${page.id}`}>
            <h3 id={`page-${page.id}`}>
              {t("survey.page", { n: i + 1 })}
              {page.title ? `: ${localized(page.title, lang, def.defaultLanguage)}` : ""}
            </h3>
            <ol class="outline-items">
              {page.items.map((item) => (
                <li key={item.id}>
                  <span class="outline-label">{localized(item.label, lang, def.defaultLanguage)}</span>{" "}
                  <span class="muted small">
                    {/* The id is the survey format's identifier (a code); type, construct and metric read in words. */}
                    <code>{item.id}</code> · <span data-testid="item-type">{itemWords(`type.${item.type}` as ItemWordKey)}</span>
                    {item.required ? ` · ${t("survey.required")}` : ""}
                    {item.construct ? <> · <ConstructName construct={item.construct} /></> : ""}
                    {item.metric ? <> · <span data-testid="item-metric">{metricWords(item.metric)}</span></> : ""}
                    {item.showIf ? ` · ${t("survey.conditional")}` : ""}
                  </span>
                  {item.type === "matrix" && (
                    <ul class="outline-rows">
                      {item.rows.map((row) => (
                        <li key={row.id}>
                          {localized(row.label, lang, def.defaultLanguage)}{" "}
                          <span class="muted small">
                            <code>{row.id}</code>
                            {row.construct ?? item.construct ? <> · <ConstructName construct={(row.construct ?? item.construct)!} /></> : ""}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          </section>
        ))}
      </Card>

      {survey.versions.length > 0 && (
        <Card title={t("survey.versions")}>
          <ul class="compact-list">
            {survey.versions.map((v) => (
              <li key={v.version}>
                {t("survey.versionN", { n: v.version })} — {date(v.publishedAt, true)}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}

/** A construct tag: a standard construct in the reader's language, a survey's own construct as its code. */
function ConstructName({ construct }: { construct: string }) {
  const { t } = useI18n();
  const key = `construct.${construct}`;
  // The dictionary answers with the key itself when it has no words for it.
  const words = t(key as MessageKey);
  return words !== key ? <>{words}</> : <code>{construct}</code>;
}

/** The seeds' measurement plan, shown wherever results are read (also used by the dashboard). */
type CustomerCoverage = IndicesResponse["customerCoverage"];

/**
 * With `coverage` (results), the former/potential-customer line clears only when both groups have
 * enough responses (measurement pitfall 5); without it (design time), it shows the plan's own flag.
 */
export function MeasurementPlanCard({ plan, n, acsi, coverage }: { plan: MeasurementPlan | Record<string, unknown> | null | undefined; n?: number; acsi?: number | null; coverage?: CustomerCoverage }) {
  const { t, num } = useI18n();
  if (!plan) {
    return (
      <Card title={t("plan.title")} class="card-warn" id="measurement-plan">
        <p>{t("plan.missing")}</p>
      </Card>
    );
  }
  const p = plan as Partial<MeasurementPlan>;
  const targetN = p.samplingPlan?.targetN;
  const short = n !== undefined && targetN !== undefined && n < targetN;
  return (
    <Card title={t("plan.title")} id="measurement-plan">
      <dl class="facts facts-wide">
        <div>
          <dt>{t("plan.purpose")}</dt>
          <dd data-content>{p.purpose ?? "—"}</dd>
        </div>
        <div>
          <dt>{t("plan.targetCustomers")}</dt>
          <dd data-content>{p.targetCustomers ?? "—"}</dd>
        </div>
        <div>
          <dt>{t("plan.sampling")}</dt>
          <dd>
            {targetN !== undefined ? t("plan.targetN", { n: num(targetN, 0) }) : "—"}
            {n !== undefined && (
              <>
                {" · "}
                <span class={short ? "text-warn" : undefined}>{t("plan.actualN", { n: num(n, 0) })}</span>
                {short && <Badge tone="warn">{t("plan.belowTarget")}</Badge>}
              </>
            )}
            {p.samplingPlan?.method && (
              <div class="small" data-content>
                {p.samplingPlan.method}
              </div>
            )}
          </dd>
        </div>
        <div>
          <dt>{t("plan.benchmark")}</dt>
          <dd>
            {p.benchmarkIndex !== undefined ? (
              <>
                {num(p.benchmarkIndex, 1)}
                {p.benchmarkSource ? ` (${p.benchmarkSource})` : ""}
                {acsi !== undefined && acsi !== null && (
                  <span class={acsi < p.benchmarkIndex ? "text-warn" : "text-ok"}>
                    {" "}
                    · {t("plan.gap", { gap: `${acsi - p.benchmarkIndex >= 0 ? "+" : ""}${num(acsi - p.benchmarkIndex, 1)}` })}
                  </span>
                )}
              </>
            ) : (
              // On the dashboard (where `acsi` is given) the warning links to the stored benchmarks.
              acsi !== undefined ? (
                <a class="text-warn" href="#benchmarks">
                  {t("plan.noBenchmark")}
                </a>
              ) : (
                <span class="text-warn">{t("plan.noBenchmark")}</span>
              )
            )}
          </dd>
        </div>
        <div>
          <dt>{t("plan.formerCustomers")}</dt>
          <dd data-testid="plan-former-customers">
            {coverage ? (
              coverage.sufficient ? (
                <span class="text-ok">{t("plan.formerMeasured", { former: num(coverage.counts.former, 0), potential: num(coverage.counts.potential, 0) })}</span>
              ) : (
                <span class="text-warn">
                  {coverage.statusFieldId === null
                    ? t("plan.noStatusField")
                    : t("plan.formerTooFew", { former: num(coverage.counts.former, 0), potential: num(coverage.counts.potential, 0), min: coverage.minimum })}
                </span>
              )
            ) : p.includesFormerCustomers ? (
              t("common.yes")
            ) : (
              <span class="text-warn">{t("plan.formerNotIncluded")}</span>
            )}
          </dd>
        </div>
      </dl>
    </Card>
  );
}
