import "../../styles/dashboard.css";
import { useEffect, useState } from "preact/hooks";
import { api, type Query } from "../../lib/api";
import { downloadText, toCsv, type Cell } from "../../lib/csv";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { hasDashboardKey, useDI18n, type DI18n, type DKey } from "./messages";
import { Link, setQuery, useLocation } from "../../lib/router";
import type { IndicesResponse, SegmentsResponse, SurveySummary, TrendResponse } from "../../lib/types";
import { Badge, Card, ErrorAlert, Field, Loading, PageHeader, Select, Table } from "../../components/ui";
import { MeasurementPlanCard } from "../Survey";
import { BarChart, LineChart, PriorityChart } from "./charts";
import { PathDiagram } from "./PathDiagram";
import { LoyaltySection } from "./Loyalty";
import { TopicsSection } from "./Topics";
import { segmentValueLabel } from "../../lib/segment-labels";
import { ChangeCheck } from "./ChangeCheck";
import { useBootstrapRun } from "./bootstrap-run";
import { BenchmarksSection, KanoSection, ModelQuality, PlanMarkers, PlansSection, SegmentTests } from "./Science";
import { asShare, constructLabel, constructShort, PALETTE, sortConstructs, THRESHOLDS } from "./constructs";

const SEGMENT_DIMS = ["touchpoint", "region", "tier"] as const;
type Dim = (typeof SEGMENT_DIMS)[number];
const PERIODS = [30, 90, 180, 365] as const;

function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

type Filters = {
  survey: string;
  from: string;
  to: string;
  touchpoint: string;
  region: string;
  tier: string;
  scheme: string;
  interval: "week" | "month";
  by: Dim;
};

function readFilters(query: URLSearchParams): Filters {
  const by = query.get("by");
  return {
    survey: query.get("survey") ?? "",
    from: query.get("from") ?? "",
    to: query.get("to") ?? "",
    touchpoint: query.get("touchpoint") ?? "",
    region: query.get("region") ?? "",
    tier: query.get("tier") ?? "",
    scheme: query.get("scheme") ?? "path",
    interval: query.get("interval") === "week" ? "week" : "month",
    by: (SEGMENT_DIMS as readonly string[]).includes(by ?? "") ? (by as Dim) : "touchpoint",
  };
}

export function DashboardPage() {
  const i18n = useDI18n();
  const { t } = i18n;
  const { t: appT } = useI18n();
  const { query } = useLocation();
  const filters = readFilters(query);
  const surveys = useAsync((signal) => api<{ items: SurveySummary[] }>("/api/surveys", { signal }), []);
  const candidates = (surveys.data?.items ?? []).filter((s) => s.publishedVersion !== null);

  // Pick the survey with the most responses when none is chosen.
  useEffect(() => {
    if (!filters.survey && candidates.length) {
      const best = [...candidates].sort((a, b) => b.completedCount - a.completedCount)[0]!;
      setQuery({ survey: best.id });
    }
  }, [filters.survey, candidates.length]);

  return (
    <>
      <PageHeader title={t("dash.title")} subtitle={t("dash.subtitle")}>
        <button type="button" class="btn no-print" aria-describedby="print-hint" onClick={() => window.print()}>
          {appT("report.print")}
        </button>
        <p id="print-hint" class="field-hint no-print">
          {appT("report.printHint")}
        </p>
      </PageHeader>
      {filters.survey && (
        <p class="print-only" data-testid="print-selection">
          {appT("report.selection", {
            selection: [
              candidates.find((survey) => survey.id === filters.survey)?.title ?? filters.survey,
              filters.from || filters.to ? `${filters.from || "…"} – ${filters.to || "…"}` : null,
              ...[filters.touchpoint, filters.region, filters.tier].filter(Boolean).map((value) => segmentValueLabel(value, i18n.lang)),
            ]
              .filter(Boolean)
              .join(" · "),
          })}
        </p>
      )}
      <ErrorAlert error={surveys.error} onRetry={surveys.reload} />
      {surveys.loading && !surveys.data && <Loading />}
      {surveys.data && candidates.length === 0 && (
        <p class="empty">
          {t("dash.noSurveys")} <Link to="/surveys">{t("nav.surveys")}</Link>
        </p>
      )}
      {filters.survey && candidates.length > 0 && <DashboardBody filters={filters} surveys={candidates} i18n={i18n} />}
    </>
  );
}

function DashboardBody({ filters, surveys, i18n }: { filters: Filters; surveys: SurveySummary[]; i18n: DI18n }) {
  const { t } = i18n;
  const sid = encodeURIComponent(filters.survey);
  const period: Query = { from: filters.from || undefined, to: filters.to || undefined };
  const segmentFilters: Query = { touchpoint: filters.touchpoint || undefined, region: filters.region || undefined, tier: filters.tier || undefined };
  const indicesQuery: Query = { ...period, ...segmentFilters, scheme: filters.scheme };
  const iKey = JSON.stringify([filters.survey, indicesQuery]);

  const indices = useAsync((signal) => api<IndicesResponse>(`/api/surveys/${sid}/indices`, { query: indicesQuery, signal }), [iKey]);
  const trend = useAsync(
    (signal) => api<TrendResponse>(`/api/surveys/${sid}/indices/trend`, { query: { ...period, ...segmentFilters, interval: filters.interval }, signal }),
    [iKey, filters.interval],
  );
  // Compare the values of one dimension within the other filters.
  const compareFilters = { ...segmentFilters, [filters.by]: undefined };
  const [planDraft, setPlanDraft] = useState<{ sourceKind: "kano"; sourceRef: string; title: string } | null>(null);
  const segments = useAsync(
    (signal) => api<SegmentsResponse>(`/api/surveys/${sid}/indices/segments`, { query: { ...period, ...compareFilters, by: filters.by }, signal }),
    [filters.survey, JSON.stringify([period, compareFilters]), filters.by],
  );
  // Values for the segment pickers, over the whole period.
  const options = useAsync(
    (signal) =>
      Promise.all(
        SEGMENT_DIMS.map((by) =>
          api<SegmentsResponse>(`/api/surveys/${sid}/indices/segments`, { query: { ...period, by }, signal }).then(
            (r) => r.segments.map((s) => s.value),
            () => [] as string[],
          ),
        ),
      ).then((lists) => Object.fromEntries(SEGMENT_DIMS.map((d, i) => [d, lists[i]!])) as Record<Dim, string[]>),
    [filters.survey, filters.from, filters.to],
  );

  const survey = surveys.find((s) => s.id === filters.survey);
  const data = indices.data;
  // Surveys without construct-tagged items (NPS, CSAT, CES…) have metrics but no structural model.
  const hasModel = !!data && data.constructs.length > 0;

  function exportCsv() {
    if (!data) return;
    const csv = buildCsv(filters, survey, data, trend.data, segments.data);
    downloadText(`${survey?.slug ?? "survey"}-dashboard-${isoDay(new Date())}.csv`, csv);
  }

  return (
    <>
      <FilterBar filters={filters} surveys={surveys} options={options.data} onExport={data ? exportCsv : undefined} />
      <ErrorAlert error={indices.error} onRetry={indices.reload} />
      {indices.loading && !data && <Loading label={t("dash.computing")} />}
      {data && (
        <div class={`dashboard${indices.loading ? " is-loading" : ""}`} aria-busy={indices.loading}>
          <Warnings data={data} />
          <IntervalsNotice data={data} surveyId={filters.survey} selection={{ ...period, ...segmentFilters }} onDone={indices.reload} />
          <div class="grid grid-hero">
            <AcsiHero data={data} />
            <MeasurementPlanCard plan={data.measurementPlan} n={data.n} acsi={data.acsi} coverage={data.customerCoverage} />
          </div>
          {hasModel && <ConstructCards data={data} />}
          {hasModel && <SatisfactionVsLoyalty data={data} />}
          <LoyaltySection surveyId={filters.survey} query={{ ...period, ...segmentFilters }} />
          <TopicsSection surveyId={filters.survey} query={{ ...period, ...segmentFilters }} />
          <MetricCards data={data} />
          <div class="grid grid-2">
            <Distribution data={data} />
            <Card title={t("dash.trend")} id="trend">
              <TrendSection trend={trend} />
              <PlanMarkers surveyId={filters.survey} periods={(trend.data?.points ?? []).map((p) => p.period)} />
            </Card>
          </div>
          <Card
            title={t("dash.segments")}
            id="segments"
            actions={
              <label class="inline-field">
                <span>{t("dash.compareBy")}</span>
                <select value={filters.by} onChange={(e) => setQuery({ by: e.currentTarget.value })}>
                  {SEGMENT_DIMS.map((d) => (
                    <option key={d} value={d}>
                      {t(`segment.${d}` as DKey)}
                    </option>
                  ))}
                </select>
              </label>
            }
          >
            <SegmentsSection segments={segments} by={filters.by} />
            {segments.data && <SegmentTests surveyId={filters.survey} query={{ ...period, ...compareFilters }} by={filters.by} segments={segments.data.segments} adjustment={segments.data.adjustment} onChanged={segments.reload} />}
          </Card>
          <KanoSection surveyId={filters.survey} query={{ ...period, ...segmentFilters }} onPlan={(feature, label) => setPlanDraft({ sourceKind: "kano", sourceRef: feature, title: label })} />
          {hasModel && (
            <>
              <Card title={t("dash.pathModel")} id="path-model">
                <p class="muted small">{t("dash.pathModelHint")}</p>
                <div class="diagram-scroll">
                  <PathDiagram data={data} />
                </div>
                <EstimationFacts data={data} />
                <details>
                  <summary>{t("dash.pathTable")}</summary>
                  <PathTable data={data} />
                </details>
              </Card>
              <ReliabilityTable data={data} />
              <Drivers data={data} />
              <ChangeCheck surveyId={filters.survey} query={{ ...period, ...segmentFilters, scheme: filters.scheme }} />
              <ModelQuality data={data} surveyId={filters.survey} selection={{ ...period, ...segmentFilters }} onDone={indices.reload} />
              <PlansSection surveyId={filters.survey} data={data} draft={planDraft} />
              <BenchmarksSection surveyId={filters.survey} query={{ ...period, ...segmentFilters, scheme: filters.scheme }} />
            </>
          )}
        </div>
      )}
    </>
  );
}

function FilterBar({ filters, surveys, options, onExport }: { filters: Filters; surveys: SurveySummary[]; options?: Record<Dim, string[]>; onExport?: () => void }) {
  const { t, lang } = useDI18n();
  const [from, setFrom] = useState(filters.from);
  const [to, setTo] = useState(filters.to);
  useEffect(() => {
    setFrom(filters.from);
    setTo(filters.to);
  }, [filters.from, filters.to]);
  const rangeError = from && to && from > to ? t("resp.rangeInvalid") : undefined;
  const applyPeriod = (event: Event) => {
    event.preventDefault();
    if (rangeError) return;
    setQuery({ from, to });
  };
  const quick = (days: number | null) => {
    if (days === null) return setQuery({ from: undefined, to: undefined });
    const end = new Date();
    const start = new Date(end.getTime() - (days - 1) * 86_400_000);
    setQuery({ from: isoDay(start), to: isoDay(end) });
  };
  return (
    <form class="card filters dash-filters" onSubmit={applyPeriod} aria-label={t("dash.filters")}>
      <Select
        id="f-survey"
        label={t("dash.survey")}
        value={filters.survey}
        onChange={(survey) => setQuery({ survey, touchpoint: undefined, region: undefined, tier: undefined })}
        options={surveys.map((s) => ({ value: s.id, label: `${s.title} (${s.slug})` }))}
      />
      <Field id="f-from" label={t("filters.from")}>
        {(p) => <input {...p} type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
      </Field>
      <Field id="f-to" label={t("filters.to")} error={rangeError}>
        {(p) => <input {...p} type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
      </Field>
      <div class="filter-actions">
        <button type="submit" class="btn btn-primary">
          {t("common.apply")}
        </button>
      </div>
      <div class="quick-periods" role="group" aria-label={t("dash.quickPeriods")}>
        {PERIODS.map((d) => (
          <button key={d} type="button" class="btn btn-small" onClick={() => quick(d)}>
            {t("dash.lastDays", { n: d })}
          </button>
        ))}
        <button type="button" class="btn btn-small" onClick={() => quick(null)}>
          {t("dash.allTime")}
        </button>
      </div>
      {SEGMENT_DIMS.map((dim) => (
        <Select
          key={dim}
          id={`f-${dim}`}
          label={t(`segment.${dim}` as DKey)}
          value={filters[dim]}
          onChange={(value) => setQuery({ [dim]: value })}
          empty={t("common.all")}
          options={(options?.[dim] ?? [])
            .concat(filters[dim] && !options?.[dim]?.includes(filters[dim]) ? [filters[dim]] : [])
            .map((v) => ({ value: v, label: segmentValueLabel(v, lang) }))}
        />
      ))}
      <Select
        id="f-scheme"
        label={t("dash.scheme")}
        value={filters.scheme}
        onChange={(scheme) => setQuery({ scheme: scheme === "path" ? undefined : scheme })}
        options={[
          { value: "path", label: t("dash.scheme.path") },
          { value: "centroid", label: t("dash.scheme.centroid") },
          { value: "factorial", label: t("dash.scheme.factorial") },
        ]}
      />
      <Select
        id="f-interval"
        label={t("dash.interval")}
        value={filters.interval}
        onChange={(interval) => setQuery({ interval: interval === "month" ? undefined : interval })}
        options={[
          { value: "month", label: t("dash.interval.month") },
          { value: "week", label: t("dash.interval.week") },
        ]}
      />
      <div class="filter-actions">
        <button type="button" class="btn" disabled={!onExport} onClick={onExport}>
          {t("dash.exportCsv")}
        </button>
      </div>
    </form>
  );
}

/**
 * A warning in the reader's language: English readers get the server's message (it names the construct and
 * the figures); others get the known code's sentence, falling back to the server's message for a new code.
 */
function warningText(t: DI18n["t"], lang: string, warning: { code: string; message: string }): string {
  const key = `dash.warn.${warning.code}`;
  if (lang === "en" || !hasDashboardKey(key)) return warning.message;
  return t(key as DKey);
}

function Warnings({ data }: { data: IndicesResponse }) {
  const { t, lang } = useDI18n();
  if (!data.warnings.length) return null;
  return (
    <section class="alert alert-warn warnings" aria-labelledby="warnings-title" data-testid="analytics-warnings">
      <h2 id="warnings-title">{t("dash.warnings", { n: data.warnings.length })}</h2>
      <ul>
        {data.warnings.map((w, i) => (
          <li key={`${w.code}-${i}`} data-code={w.code}>
            <Badge tone={w.severity === "warning" ? "warn" : "info"}>{t(w.severity === "warning" ? "dash.severity.warning" : "dash.severity.notice")}</Badge> {warningText(t, lang, w)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * One notice (not one "no interval" per figure) when the selection's bootstrap intervals are missing,
 * with the button that starts them; the indices reload with the intervals once the run has finished.
 */
function IntervalsNotice({ data, surveyId, selection, onDone }: { data: IndicesResponse; surveyId: string; selection: Query; onDone: () => void }) {
  const { t } = useDI18n();
  const { running, error, start } = useBootstrapRun(surveyId, selection, onDone);
  if (data.constructs.length === 0 || data.constructs.every((c) => c.interval)) return null;
  return (
    <div class="alert alert-info" data-testid="intervals-missing">
      <p>{t("dash.intervalsMissing")}</p>
      <ErrorAlert error={error} />
      <button type="button" class="btn btn-small" onClick={() => void start()} disabled={running} data-testid="compute-intervals">
        {running ? t("dash.computingIntervals") : t("dash.computeIntervals")}
      </button>
    </div>
  );
}

function IntervalText({ interval }: { interval: IndicesResponse["constructs"][number]["interval"] }) {
  const { t, num } = useDI18n();
  if (!interval) return <span class="muted small">{t("dash.noInterval")}</span>;
  return (
    <span class="small">
      {t("dash.interval95", { level: Math.round(interval.level * (interval.level <= 1 ? 100 : 1)), low: num(interval.low, 1), high: num(interval.high, 1) })}
    </span>
  );
}

function AcsiHero({ data }: { data: IndicesResponse }) {
  const { t, num } = useDI18n();
  const sat = data.constructs.find((c) => c.construct === "satisfaction");
  return (
    <Card title={t("dash.acsi")} class="kpi-hero" id="acsi">
      <p class="kpi-value" data-testid="acsi-index">
        {data.acsi === null ? "—" : data.acsi.toFixed(1)}
      </p>
      <p class="kpi-scale muted small">{t("dash.scale100")}</p>
      {sat && <IntervalText interval={sat.interval} />}
      <dl class="facts facts-inline">
        <div>
          <dt>{t("dash.n")}</dt>
          <dd data-testid="indices-n">{num(data.n, 0)}</dd>
        </div>
        <div>
          <dt>{t("dash.period")}</dt>
          <dd>{data.from || data.to ? `${data.from ?? "…"} – ${data.to ?? "…"}` : t("dash.allTime")}</dd>
        </div>
        {Object.entries(data.filters).length > 0 && (
          <div>
            <dt>{t("dash.segment")}</dt>
            <dd>
              {Object.entries(data.filters)
                .map(([k, v]) => `${k}=${v}`)
                .join(", ")}
            </dd>
          </div>
        )}
      </dl>
    </Card>
  );
}

function ConstructCards({ data }: { data: IndicesResponse }) {
  const i18n = useDI18n();
  const { t, num } = i18n;
  const constructs = sortConstructs(data.constructs, (c) => c.construct);
  return (
    <section class="card" aria-labelledby="constructs-title">
      <h2 id="constructs-title">{t("dash.constructs")}</h2>
      <ul class="construct-grid">
        {constructs.map((c) => (
          <li key={c.construct} class={`construct-card${c.construct === "satisfaction" ? " is-key" : ""}`} data-construct={c.construct}>
            <h3>{constructLabel(i18n, c.construct)}</h3>
            <p class="construct-value">{c.index === null ? "—" : num(c.index, 1)}</p>
            <IntervalText interval={c.interval} />
            <p class="small muted">
              {c.rSquared !== null ? `R² ${num(c.rSquared, 2)} · ` : ""}
              {t("dash.items", { n: c.items.length })}
              {c.equalWeightsFallback && (
                <>
                  {" · "}
                  <Badge tone="warn">{t("dash.equalWeights")}</Badge>
                </>
              )}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SatisfactionVsLoyalty({ data }: { data: IndicesResponse }) {
  const { t, num } = useDI18n();
  const sat = data.constructs.find((c) => c.construct === "satisfaction");
  const loy = data.constructs.find((c) => c.construct === "loyalty");
  const l = data.metrics.loyalty;
  const satToLoy = data.paths.find((p) => p.from === "satisfaction" && p.to === "loyalty");
  return (
    <Card title={t("dash.satVsLoy")} id="sat-loyalty">
      <p class="muted small">{t("dash.satVsLoyHint")}</p>
      <div class="grid grid-2 separate-figures">
        <figure class="figure" data-testid="satisfaction-figure">
          <figcaption>{t("dash.satisfactionFigure")}</figcaption>
          <p class="figure-value">{sat?.index === null || sat?.index === undefined ? "—" : num(sat.index, 1)}</p>
          {sat && <IntervalText interval={sat.interval} />}
          {data.metrics.satisfactionLevels && (
            <p class="small">
              {t("dash.satisfiedShare", {
                share: num(
                  asShare(
                    data.metrics.satisfactionLevels.satisfied,
                    data.metrics.satisfactionLevels.n,
                    data.metrics.satisfactionLevels.satisfied + data.metrics.satisfactionLevels.neutral + data.metrics.satisfactionLevels.dissatisfied,
                  ) * 100,
                  1,
                ),
              })}
            </p>
          )}
        </figure>
        <figure class="figure" data-testid="loyalty-figure">
          <figcaption>{t("dash.loyaltyFigure")}</figcaption>
          <p class="figure-value">{loy?.index === null || loy?.index === undefined ? "—" : num(loy.index, 1)}</p>
          {loy && <IntervalText interval={loy.interval} />}
          <dl class="facts facts-inline small">
            <div>
              <dt>{t("dash.repurchase")}</dt>
              <dd>{num(l?.repurchaseMean, 2)}</dd>
            </div>
            <div>
              <dt>{t("dash.priceUp")}</dt>
              <dd>{num(l?.priceToleranceIncreaseMean, 2)}</dd>
            </div>
            <div>
              <dt>{t("dash.priceDown")}</dt>
              <dd>{num(l?.priceToleranceDecreaseMean, 2)}</dd>
            </div>
          </dl>
        </figure>
      </div>
      {satToLoy && <p class="small">{t("dash.satToLoy", { b: num(satToLoy.coefficient, 2) })}</p>}
    </Card>
  );
}

function MetricCards({ data }: { data: IndicesResponse }) {
  const { t, num, pct } = useDI18n();
  const m = data.metrics;
  const nps = m.nps;
  const npsSum = nps ? nps.promoters + nps.passives + nps.detractors : 0;
  return (
    <section class="card" aria-labelledby="metrics-title" id="metrics">
      <h2 id="metrics-title">{t("dash.metrics")}</h2>
      <ul class="metric-grid">
        <li class="metric" data-testid="nps">
          <h3>{t("dash.nps")}</h3>
          <p class="metric-value">{nps ? num(nps.score, 1) : "—"}</p>
          {nps && (
            <p class="small">
              {t("dash.npsSplit", {
                p: pct(asShare(nps.promoters, nps.n, npsSum)),
                pa: pct(asShare(nps.passives, nps.n, npsSum)),
                d: pct(asShare(nps.detractors, nps.n, npsSum)),
              })}
              <br />
              <span class="muted">n = {num(nps.n, 0)}</span>
            </p>
          )}
        </li>
        <li class="metric" data-testid="csat">
          <h3>{t("dash.csat")}</h3>
          <p class="metric-value">{m.csat ? pct(asShare(m.csat.topTwoShare, m.csat.n)) : "—"}</p>
          {m.csat ? (
            <p class="small">
              {t("dash.csatDetail", { mean: num(m.csat.mean, 2) })}
              <br />
              <span class="muted">n = {num(m.csat.n, 0)}</span>
            </p>
          ) : (
            <p class="small muted">{t("dash.noCsat")}</p>
          )}
        </li>
        <li class="metric" data-testid="ces">
          <h3>{t("dash.ces")}</h3>
          <p class="metric-value">{m.ces ? num(m.ces.mean, 2) : "—"}</p>
          {m.ces ? (
            <p class="small">
              {t("dash.cesDetail", { share: pct(asShare(m.ces.agreeShare, m.ces.n)) })}
              <br />
              <span class="muted">n = {num(m.ces.n, 0)}</span>
            </p>
          ) : (
            <p class="small muted">{t("dash.noCes")}</p>
          )}
        </li>
        <li class="metric" data-testid="complaint-rate">
          <h3>{t("dash.complaintRate")}</h3>
          <p class="metric-value">{m.complaintRate ? pct(asShare(m.complaintRate.rate, m.complaintRate.n)) : "—"}</p>
          {m.complaintRate && (
            <p class="small">
              {t("dash.complained", { c: num(m.complaintRate.complained, 0), n: num(m.complaintRate.n, 0) })}
            </p>
          )}
        </li>
      </ul>
    </section>
  );
}

const LEVEL_KEYS: DKey[] = ["level.1", "level.2", "level.3", "level.4", "level.5"];

function Distribution({ data }: { data: IndicesResponse }) {
  const { t, num, pct } = useDI18n();
  const levels = data.metrics.satisfactionLevels;
  const labels = LEVEL_KEYS.map((k) => t(k));
  if (!levels) {
    return (
      <Card title={t("dash.distribution")} id="distribution">
        <p class="empty">{t("dash.noDistribution")}</p>
      </Card>
    );
  }
  const total = levels.counts.reduce((a, b) => a + b, 0);
  const shares = levels.counts.map((c) => asShare(c, levels.n, total));
  const rollSum = levels.dissatisfied + levels.neutral + levels.satisfied;
  return (
    <Card title={t("dash.distribution")} id="distribution">
      <BarChart categories={labels} values={shares.map((s) => s * 100)} seriesLabel={t("dash.share")} yRange={[0, 100]} format={(v) => `${v.toFixed(0)}%`} label={t("dash.distributionChart")} height={240} />
      <p class="small rollup">
        {t("dash.rollup", {
          dis: pct(asShare(levels.dissatisfied, levels.n, rollSum)),
          neu: pct(asShare(levels.neutral, levels.n, rollSum)),
          sat: pct(asShare(levels.satisfied, levels.n, rollSum)),
        })}{" "}
        <span class="muted">n = {num(levels.n, 0)}</span>
      </p>
      <details>
        <summary>{t("dash.dataTable")}</summary>
        <Table class="table-compact" columns={[{ label: t("dash.level") }, { label: t("dash.count"), num: true }, { label: t("dash.share"), num: true }]}>
          {levels.counts.map((c, i) => (
            <tr key={i}>
              <th scope="row">{labels[i]}</th>
              <td class="num">{total > 1.0001 ? num(c, 0) : "—"}</td>
              <td class="num">{pct(shares[i])}</td>
            </tr>
          ))}
        </Table>
      </details>
    </Card>
  );
}

function TrendSection({ trend }: { trend: ReturnType<typeof useAsync<TrendResponse>> }) {
  const i18n = useDI18n();
  const { t } = i18n;
  if (trend.error) return <ErrorAlert error={trend.error} onRetry={trend.reload} />;
  if (!trend.data) return <Loading />;
  const points = trend.data.points;
  if (!points.length) return <p class="empty">{t("dash.noTrend")}</p>;
  const categories = points.map((p) => p.period);
  const constructNames = driverConstructNames(points);
  const series = [
    { label: t("dash.acsi"), values: points.map((p) => p.acsi), color: PALETTE[0] },
    ...constructNames.map((c, i) => ({
      label: constructShort(i18n, c),
      values: points.map((p) => p.constructs[c] ?? null),
      show: c === "loyalty",
      color: PALETTE[(i + 1) % PALETTE.length],
    })),
    { label: t("dash.nps"), values: points.map((p) => p.nps), scale: "nps" as const, dash: true, color: "#555555" },
  ];
  return (
    <>
      <LineChart categories={categories} series={series} label={t("dash.trendChart")} npsLabel={t("dash.nps")} xLabel={t("dash.period")} yLabel={t("dash.scale100")} />
      <p class="muted small">{t("dash.trendHint")}</p>
      <details>
        <summary>{t("dash.dataTable")}</summary>
        <IndexRowsTable
          heading={t("dash.period")}
          rows={points.map((p) => ({ label: p.period, n: p.n, acsi: p.acsi, nps: p.nps, constructs: p.constructs }))}
          constructNames={constructNames}
        />
      </details>
    </>
  );
}

/** The constructs present in any row, except satisfaction (shown as the ACSI column), in model order. */
function driverConstructNames(rows: { constructs: Record<string, number | null | undefined> }[]): string[] {
  return sortConstructs([...new Set(rows.flatMap((r) => Object.keys(r.constructs)))].filter((c) => c !== "satisfaction"), (c) => c);
}

type IndexRow = {
  label: string;
  n: number;
  acsi: number | null;
  nps: number | null;
  constructs: Record<string, number | null | undefined>;
  /** Segments only: where the segment stands against its sample plan. */
  sample?: SegmentsResponse["segments"][number]["sample"];
};

/** One row per period or segment: n, ACSI, NPS and every construct index (the trend's and segments' data table). */
function IndexRowsTable({ heading, rows, constructNames, caption, testId }: { heading: string; rows: IndexRow[]; constructNames: string[]; caption?: string; testId?: string }) {
  const i18n = useDI18n();
  const { t, num } = i18n;
  const withSample = rows.some((r) => r.sample);
  return (
    <Table
      class="table-compact"
      testId={testId}
      caption={caption || undefined}
      columns={[
        { label: heading },
        { label: "n", num: true },
        { label: t("dash.acsi"), num: true },
        { label: t("dash.nps"), num: true },
        withSample && { label: t("dash.marginOfError"), num: true },
        withSample && { label: t("dash.stillNeeded"), num: true },
        ...constructNames.map((c) => ({ label: constructShort(i18n, c), num: true })),
      ]}
    >
      {rows.map((r) => (
        <tr key={r.label}>
          <th scope="row">{r.label}</th>
          <td class="num">{num(r.n, 0)}</td>
          <td class="num">{num(r.acsi, 1)}</td>
          <td class="num">{num(r.nps, 1)}</td>
          {withSample && (
            <>
              <td class="num" data-testid="segment-margin" title={r.sample && !r.sample.indexShown ? t("dash.indexHiddenSmall") : undefined}>
                {r.sample?.indexShown ? `±${num(r.sample.marginOfError, 1)}` : t("dash.tooFew")}
              </td>
              <td class="num">{num(r.sample?.stillNeeded, 0)}</td>
            </>
          )}
          {constructNames.map((c) => (
            <td class="num" key={c}>
              {num(r.constructs[c], 1)}
            </td>
          ))}
        </tr>
      ))}
    </Table>
  );
}

function SegmentsSection({ segments, by }: { segments: ReturnType<typeof useAsync<SegmentsResponse>>; by: Dim }) {
  const i18n = useDI18n();
  const { t } = i18n;
  if (segments.error) return <ErrorAlert error={segments.error} onRetry={segments.reload} />;
  if (!segments.data) return <Loading />;
  const rows = segments.data.segments;
  if (!rows.length) return <p class="empty">{t("dash.noSegments")}</p>;
  const constructNames = driverConstructNames(rows);
  return (
    <>
      <BarChart
        categories={rows.map((r) => segmentValueLabel(r.value, i18n.lang))}
        values={rows.map((r) => r.acsi)}
        seriesLabel={t("dash.acsi")}
        yRange={[0, 100]}
        label={t("dash.segmentsChart", { by: t(`segment.${by}` as DKey) })}
        height={240}
      />
      <IndexRowsTable
        heading={t(`segment.${by}` as DKey)}
        caption={t("dash.segmentsChart", { by: t(`segment.${by}` as DKey) })}
        testId="segments-table"
        rows={rows.map((r) => ({ label: segmentValueLabel(r.value, i18n.lang), n: r.n, acsi: r.acsi, nps: r.nps, constructs: r.constructs, sample: r.sample }))}
        constructNames={constructNames}
      />
    </>
  );
}

function EstimationFacts({ data }: { data: IndicesResponse }) {
  const { t, num } = useDI18n();
  const e = data.estimation;
  if (!e) return <p class="alert alert-warn">{t("dash.notEstimated")}</p>;
  return (
    <dl class="facts facts-inline small">
      <div>
        <dt>{t("dash.scheme")}</dt>
        <dd>{t(`dash.scheme.${e.scheme}` as DKey)}</dd>
      </div>
      <div>
        <dt>{t("dash.converged")}</dt>
        <dd>{e.converged ? t("common.yes") : <Badge tone="bad">{t("common.no")}</Badge>}</dd>
      </div>
      <div>
        <dt>{t("dash.iterations")}</dt>
        <dd>{e.iterations}</dd>
      </div>
      <div>
        <dt>GoF</dt>
        <dd>{num(e.goodnessOfFit, 3)}</dd>
      </div>
      <div>
        <dt>{t("dash.computeMs")}</dt>
        <dd>{num(data.computeMs, 2)} ms</dd>
      </div>
    </dl>
  );
}

function PathTable({ data }: { data: IndicesResponse }) {
  const i18n = useDI18n();
  const { t, num } = i18n;
  const total = new Map(data.totalEffects.map((e) => [`${e.from}>${e.to}`, e.value]));
  return (
    <Table class="table-compact" columns={[{ label: t("dash.path") }, { label: t("dash.coefficient"), num: true }, { label: t("dash.ci") }, { label: t("dash.totalEffect"), num: true }]}>
      {data.paths.map((p) => (
        <tr key={`${p.from}>${p.to}`}>
          <th scope="row">
            {constructShort(i18n, p.from)} → {constructShort(i18n, p.to)}
          </th>
          <td class="num">{num(p.coefficient, 3)}</td>
          <td>{p.interval ? `[${num(p.interval.low, 3)}, ${num(p.interval.high, 3)}]` : "—"}</td>
          <td class="num">{num(total.get(`${p.from}>${p.to}`), 3)}</td>
        </tr>
      ))}
    </Table>
  );
}

function ReliabilityTable({ data }: { data: IndicesResponse }) {
  const i18n = useDI18n();
  const { t, num } = i18n;
  const rows = sortConstructs(data.constructs, (c) => c.construct);
  const cell = (value: number | undefined, threshold: number, single: boolean) => {
    if (value === undefined) return <td class="num">—</td>;
    const low = !single && value < threshold;
    return (
      <td class={`num${low ? " cell-warn" : ""}`}>
        {num(value, 3)}
        {low && <span class="warn-mark" aria-hidden="true"> ⚠</span>}
        {low && <span class="visually-hidden"> {t("dash.belowThreshold", { threshold })}</span>}
      </td>
    );
  };
  return (
    <Card title={t("dash.reliability")} id="reliability">
      <p class="muted small">{t("dash.reliabilityHint", { ave: THRESHOLDS.ave, rho: THRESHOLDS.rhoC, alpha: THRESHOLDS.alpha })}</p>
      <Table class="table-compact" testId="reliability-table" columns={[{ label: t("dash.construct") }, { label: t("dash.itemsCol"), num: true }, { label: "AVE", num: true }, { label: <>ρ<sub>c</sub></>, num: true }, { label: "α", num: true }, { label: <>ρ<sub>A</sub></>, num: true }, { label: t("dash.loadings") }, { label: t("dash.notes") }]}>
        {rows.map((c) => {
          const single = c.items.length <= 1;
          const negative = Object.entries(c.weights).filter(([, w]) => w < 0);
          const weakLoadings = Object.entries(c.loadings).filter(([, l]) => l < 0.7);
          const flagged = !single && c.reliability && (c.reliability.ave < THRESHOLDS.ave || c.reliability.rhoC < THRESHOLDS.rhoC || c.reliability.alpha < THRESHOLDS.alpha || c.reliability.rhoA < THRESHOLDS.rhoA);
          return (
            <tr key={c.construct} class={flagged || negative.length || c.equalWeightsFallback ? "row-warn" : undefined}>
              <th scope="row">{constructLabel(i18n, c.construct)}</th>
              <td class="num">{c.items.length}</td>
              {cell(c.reliability?.ave, THRESHOLDS.ave, single)}
              {cell(c.reliability?.rhoC, THRESHOLDS.rhoC, single)}
              {cell(c.reliability?.alpha, THRESHOLDS.alpha, single)}
              {cell(c.reliability?.rhoA, THRESHOLDS.rhoA, single)}
              <td class="small">
                {c.items.map((item) => (
                  <span key={item} class={`loading-chip${(c.loadings[item] ?? 1) < 0.7 && !single ? " chip-warn" : ""}`}>
                    <code>{item}</code> {num(c.loadings[item], 2)}
                  </span>
                ))}
              </td>
              <td class="small">
                {single && <span class="muted">{t("dash.singleItem")}</span>}
                {negative.length > 0 && <Badge tone="warn">{t("dash.negativeWeights", { items: negative.map(([k]) => k).join(", ") })}</Badge>}
                {c.equalWeightsFallback && <Badge tone="warn">{t("dash.equalWeights")}</Badge>}
                {!single && weakLoadings.length > 0 && <span class="text-warn">{t("dash.weakLoadings", { n: weakLoadings.length })}</span>}
              </td>
            </tr>
          );
        })}
      </Table>
    </Card>
  );
}

function Drivers({ data }: { data: IndicesResponse }) {
  const i18n = useDI18n();
  const { t, num } = i18n;
  const drivers = [...data.drivers].sort((a, b) => a.rank - b.rank);
  return (
    <Card title={t("dash.drivers")} id="drivers">
      <p class="muted small">{t("dash.driversHint")}</p>
      {drivers.length === 0 ? (
        <p class="empty">{t("dash.noDrivers")}</p>
      ) : (
        <div class="stack">
          <PriorityChart
            points={drivers.map((d) => ({ label: constructShort(i18n, d.construct), x: d.importance, y: d.performance }))}
            label={t("dash.driversChart")}
            xLabel={t("dash.importance")}
            yLabel={t("dash.performance")}
          />
          <Table caption={t("dash.priorityList")} class="table-compact" testId="drivers-table" columns={[{ label: "#" }, { label: t("dash.construct") }, { label: t("dash.importance"), num: true }, { label: t("dash.loyaltyImportance"), num: true }, { label: t("dash.performance"), num: true }, { label: t("dash.quadrant") }]}>
            {drivers.map((d) => (
              <tr key={d.construct}>
                <td>{d.rank}</td>
                <th scope="row">{constructLabel(i18n, d.construct)}</th>
                <td class="num">{num(d.importance, 3)}</td>
                <td class="num">{num(d.loyaltyImportance, 3)}</td>
                <td class="num">{num(d.performance, 1)}</td>
                <td>{quadrantLabel(i18n, d.quadrant)}</td>
              </tr>
            ))}
          </Table>
          <DriverIndicators data={data} />
        </div>
      )}
    </Card>
  );
}

/** The indicator level of the IPMA: which questions to work on first. */
function DriverIndicators({ data }: { data: IndicesResponse }) {
  const i18n = useDI18n();
  const { t, num } = i18n;
  const top = [...data.driverIndicators].sort((a, b) => a.rank - b.rank).slice(0, 10);
  if (top.length === 0) return null;
  return (
    <Table
      class="table-compact"
      testId="driver-indicators"
      caption={t("dash.indicatorPriorities")}
      captionClass=""
      columns={[
        { label: "#" },
        { label: t("dash.indicator") },
        { label: t("dash.construct") },
        { label: t("dash.importance"), num: true },
        { label: t("dash.performance"), num: true },
        { label: t("dash.priority"), num: true },
      ]}
    >
      {top.map((entry) => (
        <tr key={entry.indicator} data-indicator={entry.indicator}>
          <td>{entry.rank}</td>
          <th scope="row">{entry.indicator}</th>
          <td>{constructLabel(i18n, entry.construct)}</td>
          <td class="num">{num(entry.importance, 3)}</td>
          <td class="num">{num(entry.performance, 1)}</td>
          <td class="num">{num(entry.priorityScore, 1)}</td>
        </tr>
      ))}
    </Table>
  );
}

function quadrantLabel(i18n: DI18n, quadrant: string): string {
  const key = `quadrant.${quadrant}` as DKey;
  const text = i18n.t(key);
  return text === key ? quadrant.replace(/_/g, " ") : text;
}

/** Everything the dashboard shows, as sections of one CSV file. */
function buildCsv(filters: Filters, survey: SurveySummary | undefined, data: IndicesResponse, trend?: TrendResponse, segments?: SegmentsResponse): string {
  const rows: Cell[][] = [];
  const section = (title: string) => {
    if (rows.length) rows.push([]);
    rows.push([`# ${title}`]);
  };
  section("filters");
  rows.push(["survey", survey?.slug ?? filters.survey], ["from", data.from ?? ""], ["to", data.to ?? ""], ["scheme", data.estimation?.scheme ?? filters.scheme]);
  for (const [k, v] of Object.entries(data.filters)) rows.push([k, v]);
  rows.push(["n", data.n], ["acsi", data.acsi]);
  if (data.estimation) rows.push(["converged", data.estimation.converged], ["iterations", data.estimation.iterations], ["gof", data.estimation.goodnessOfFit]);
  section("constructs");
  rows.push(["construct", "index", "ci_low", "ci_high", "ci_level", "r_squared", "ave", "rho_c", "alpha", "rho_a", "items", "equal_weights_fallback"]);
  for (const c of sortConstructs(data.constructs, (x) => x.construct)) {
    rows.push([c.construct, c.index, c.interval?.low, c.interval?.high, c.interval?.level, c.rSquared, c.reliability?.ave, c.reliability?.rhoC, c.reliability?.alpha, c.reliability?.rhoA, c.items.join(" "), c.equalWeightsFallback]);
  }
  section("outer_weights_and_loadings");
  rows.push(["construct", "item", "weight", "loading"]);
  for (const c of data.constructs) for (const item of c.items) rows.push([c.construct, item, c.weights[item], c.loadings[item]]);
  section("paths");
  rows.push(["from", "to", "coefficient", "ci_low", "ci_high"]);
  for (const p of data.paths) rows.push([p.from, p.to, p.coefficient, p.interval?.low, p.interval?.high]);
  section("total_effects");
  rows.push(["from", "to", "value"]);
  for (const e of data.totalEffects) rows.push([e.from, e.to, e.value]);
  section("drivers");
  rows.push(["rank", "construct", "importance", "loyalty_importance", "performance", "priority_score", "quadrant"]);
  for (const d of [...data.drivers].sort((a, b) => a.rank - b.rank)) rows.push([d.rank, d.construct, d.importance, d.loyaltyImportance, d.performance, d.priorityScore, d.quadrant]);
  section("metrics");
  rows.push(["metric", "value", "detail", "n"]);
  const m = data.metrics;
  if (m.nps) rows.push(["nps", m.nps.score, `promoters=${m.nps.promoters};passives=${m.nps.passives};detractors=${m.nps.detractors}`, m.nps.n]);
  if (m.csat) rows.push(["csat_top2_share", m.csat.topTwoShare, `mean=${m.csat.mean}`, m.csat.n]);
  if (m.ces) rows.push(["ces_mean", m.ces.mean, `agree_share=${m.ces.agreeShare}`, m.ces.n]);
  if (m.complaintRate) rows.push(["complaint_rate", m.complaintRate.rate, `complained=${m.complaintRate.complained}`, m.complaintRate.n]);
  if (m.loyalty) {
    rows.push(["repurchase_mean", m.loyalty.repurchaseMean, "", ""]);
    rows.push(["price_tolerance_increase_mean", m.loyalty.priceToleranceIncreaseMean, "", ""]);
    rows.push(["price_tolerance_decrease_mean", m.loyalty.priceToleranceDecreaseMean, "", ""]);
  }
  if (m.satisfactionLevels) {
    section("satisfaction_levels");
    rows.push(["level", "count"]);
    m.satisfactionLevels.counts.forEach((c, i) => rows.push([i + 1, c]));
    rows.push(["dissatisfied", m.satisfactionLevels.dissatisfied], ["neutral", m.satisfactionLevels.neutral], ["satisfied", m.satisfactionLevels.satisfied], ["n", m.satisfactionLevels.n]);
  }
  if (trend) {
    const names = [...new Set(trend.points.flatMap((p) => Object.keys(p.constructs)))];
    section(`trend_by_${trend.interval}`);
    rows.push(["period", "n", "acsi", "nps", ...names]);
    for (const p of trend.points) rows.push([p.period, p.n, p.acsi, p.nps, ...names.map((c) => p.constructs[c])]);
  }
  if (segments) {
    const names = [...new Set(segments.segments.flatMap((s) => Object.keys(s.constructs)))];
    section(`segments_by_${segments.by}`);
    rows.push([segments.by, "n", "acsi", "nps", ...names]);
    for (const s of segments.segments) rows.push([s.value, s.n, s.acsi, s.nps, ...names.map((c) => s.constructs[c])]);
  }
  if (data.warnings.length) {
    section("warnings");
    rows.push(["severity", "code", "message"]);
    for (const w of data.warnings) rows.push([w.severity, w.code, w.message]);
  }
  if (data.measurementPlan) {
    section("measurement_plan");
    for (const [k, v] of Object.entries(data.measurementPlan)) rows.push([k, typeof v === "object" ? JSON.stringify(v) : (v as Cell)]);
  }
  return toCsv(rows);
}
