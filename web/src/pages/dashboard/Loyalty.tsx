/**
 * The dashboard's loyalty-model section: the composite with its components (so a low value points
 * at its cause), the satisfaction–loyalty chart, delight beside C = b/a, and the comparison of
 * current, former and potential customers with the coverage warning. Reads GET /surveys/{id}/loyalty.
 */
import { api, type Query } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { Badge, Card, ErrorAlert, Table } from "../../components/ui";
import { BarChart } from "./charts";
import { useLI18n, type LI18n } from "./loyalty-messages";
import { localized } from "../../lib/types";
import type { LoyaltyResponse } from "../../../../src/contracts/loyalty";

type Group = NonNullable<LoyaltyResponse["overall"]>;
type Composite = Group["composite"];
type ComponentName = "attraction" | "satisfaction" | "participation";
const COMPONENTS: ComponentName[] = ["attraction", "satisfaction", "participation"];
const INDICATORS = ["responseRate", "openAnswers", "panelOptIn", "complaintFollowThrough", "statedWillingness"] as const;

const fmtComposite = (value: number | null) => (value === null ? "—" : value.toFixed(3));

export function LoyaltySection({ surveyId, query }: { surveyId: string; query: Query }) {
  const key = JSON.stringify([surveyId, query]);
  const state = useAsync((signal) => api<LoyaltyResponse>(`/api/surveys/${encodeURIComponent(surveyId)}/loyalty`, { query, signal }), [key]);
  const data = state.data;
  if (state.error) return <ErrorAlert error={state.error} onRetry={state.reload} />;
  if (!data || !data.available || !data.overall) return null;
  return (
    <>
      <CompositeCard data={data} />
      <div class="grid grid-2">
        <ChartCard chart={data.overall.chart} />
        <DelightCard delight={data.overall.delight} />
      </div>
      <GroupsCard data={data} />
      {data.codedQuestions.length > 0 && <CodedAnswersCard data={data} />}
    </>
  );
}

function componentValue(composite: Composite, name: ComponentName): number | null {
  return composite.components[name].value;
}

function CompositeCard({ data }: { data: LoyaltyResponse }) {
  const i18n = useLI18n();
  const { t, num, pct } = i18n;
  const overall = data.overall!;
  const composite = overall.composite;
  const participation = composite.components.participation.indicators;
  return (
    <Card title={t("loy.title")} id="loyalty-model">
      <p class="muted small">{t("loy.hint")}</p>
      <div class="grid grid-hero">
        <figure class="figure loyalty-figure">
          <figcaption>{t("loy.composite")}</figcaption>
          <p class="figure-value" data-testid="loyalty-composite">
            {fmtComposite(composite.value)}
          </p>
          <p class="muted small">{t("loy.scale")}</p>
          {composite.weakest && (
            <p data-testid="loyalty-weakest">
              <Badge tone="warn">{t("loy.weakest", { name: t(`loy.${composite.weakest}`) })}</Badge>
            </p>
          )}
          {composite.missing.length > 0 && <p class="small">{t("loy.missing", { names: composite.missing.map((m) => t(`loy.${m}`)).join(", ") })}</p>}
          <dl class="facts facts-inline small">
            <div>
              <dt>{t("loy.acsiLoyalty")}</dt>
              <dd data-testid="acsi-loyalty-index">{num(overall.acsiLoyaltyIndex, 1)}</dd>
            </div>
          </dl>
          <p class="muted small">{t("loy.acsiLoyaltyHint")}</p>
        </figure>
        <ul class="loyalty-components">
          {COMPONENTS.map((name) => {
            const value = componentValue(composite, name);
            return (
              <li key={name} data-component={name} class={composite.weakest === name ? "is-weakest" : undefined}>
                <div class="loyalty-component-head">
                  <span>{t(`loy.${name}`)}</span>
                  <strong data-testid={`component-${name}`}>{value === null ? "—" : value.toFixed(3)}</strong>
                </div>
                <meter min={0} max={1} value={value ?? 0} aria-label={t(`loy.${name}`)} />
                {name === "satisfaction" && composite.components.satisfaction.source && (
                  <p class="muted small">{t(`loy.source.${composite.components.satisfaction.source}`)}</p>
                )}
                {name === "participation" && (
                  <ul class="small loyalty-indicators">
                    {INDICATORS.map((indicator) => {
                      const entry = participation[indicator];
                      if (!entry) return null;
                      const detail = "numerator" in entry ? ` (${num(entry.numerator, 0)}/${num(entry.denominator, 0)})` : "";
                      return (
                        <li key={indicator}>
                          {t(`loy.ind.${indicator}`)}: {pct(entry.value, 1)}
                          {detail}
                        </li>
                      );
                    })}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </Card>
  );
}

function ChartCard({ chart }: { chart: Group["chart"] }) {
  const i18n = useLI18n();
  const { t, num, pct } = i18n;
  return (
    <Card title={t("loy.chart")} id="satisfaction-loyalty-chart">
      <p class="muted small">{t("loy.chartHint")}</p>
      <BarChart
        categories={chart.levels.map((l) => t(`level.${l.level}` as Parameters<LI18n["t"]>[0]))}
        values={chart.levels.map((l) => (l.share === null ? null : l.share * 100))}
        seriesLabel={t("loy.highShare")}
        yRange={[0, 100]}
        format={(v) => `${v.toFixed(0)}%`}
        label={t("loy.chartLabel")}
      />
      <Table
        class="small"
        testId="loyalty-chart-table"
        focusable
        columns={[{ label: t("loy.level") }, { label: t("loy.zone") }, { label: t("loy.n") }, { label: t("loy.highShare") }]}
        foot={chart.zones.map((z) => (
          <tr key={z.zone} data-zone-total={z.zone}>
            <th colSpan={2}>{t(`loy.zone.${z.zone}`)}</th>
            <td>{num(z.n, 0)}</td>
            <td>{pct(z.share, 1)}</td>
          </tr>
        ))}
      >
        {chart.levels.map((l) => (
          <tr key={l.level} data-level={l.level} data-zone={l.zone}>
            <td>
              {l.level} · {t(`level.${l.level}` as Parameters<LI18n["t"]>[0])}
            </td>
            <td>{t(`loy.zone.${l.zone}`)}</td>
            <td>{num(l.n, 0)}</td>
            <td data-testid={`level-share-${l.level}`}>{pct(l.share, 1)}</td>
          </tr>
        ))}
      </Table>
    </Card>
  );
}

function DelightCard({ delight }: { delight: Group["delight"] }) {
  const { t, num, pct } = useLI18n();
  return (
    <Card title={t("loy.delight")} id="delight">
      <p class="muted small">{t("loy.delightHint")}</p>
      <Table
        class="small"
        testId="delight-table"
        focusable
        columns={[{ label: t("loy.pair") }, { label: t("loy.n") }, { label: t("loy.delightShare") }, { label: t("loy.ratio") }]}
        foot={
          <tr>
            <th>{t("loy.overall")}</th>
            <td>{num(delight.overall.answered, 0)}</td>
            <td data-testid="delight-overall">{pct(delight.overall.share, 1)}</td>
            <td>{num(delight.overall.ratio, 3)}</td>
          </tr>
        }
      >
        {delight.pairs.map((p) => (
          <tr key={p.pairKey}>
            <td>
              <code>{p.expectationItemId}</code> → <code>{p.perceptionItemId}</code>
            </td>
            <td>{num(p.answered, 0)}</td>
            <td>{pct(p.share, 1)}</td>
            <td>{num(p.ratio, 3)}</td>
          </tr>
        ))}
      </Table>
    </Card>
  );
}

function GroupsCard({ data }: { data: LoyaltyResponse }) {
  const { t, num, pct } = useLI18n();
  const coverage = data.coverage;
  const groups = data.groups.filter((g) => g.status !== "unspecified" || g.n > 0);
  return (
    <Card title={t("loy.groups")} id="customer-groups">
      <p class="muted small">{t("loy.groupsHint")}</p>
      {coverage?.warning ? (
        <p class="alert alert-warn" data-testid="coverage-warning">
          {coverage.warning.message}
        </p>
      ) : (
        coverage && (
          <p class="small" data-testid="coverage-ok">
            <Badge tone="ok">{t("loy.coverageOk", { n: coverage.minimum })}</Badge>
          </p>
        )
      )}
      <Table
        class="small"
        testId="groups-table"
        focusable
        columns={[
          { label: t("loy.status") },
          { label: t("loy.n") },
          { label: t("loy.composite") },
          { label: t("loy.attraction") },
          { label: t("loy.satisfaction") },
          { label: t("loy.participation") },
          { label: t("loy.satisfactionIndex") },
          { label: t("loy.acsiLoyalty") },
          { label: t("loy.delightShare") },
          { label: t("loy.loyalZoneShare") },
        ]}
      >
        {groups.map((g) => (
          <tr key={g.status} data-status={g.status}>
            <th scope="row">
              {t(`loy.status.${g.status}`)}
              {g.belowMinimum && (
                <>
                  {" "}
                  <Badge tone="warn">{t("loy.fewResponses", { n: coverage?.minimum ?? 30 })}</Badge>
                </>
              )}
            </th>
            <td>{num(g.n, 0)}</td>
            <td data-testid={`group-composite-${g.status}`}>{fmtComposite(g.composite.value)}</td>
            {COMPONENTS.map((name) => (
              <td key={name}>{fmtComposite(componentValue(g.composite, name))}</td>
            ))}
            <td>{num(g.satisfactionIndex, 1)}</td>
            <td>{num(g.acsiLoyaltyIndex, 1)}</td>
            <td>{pct(g.delight.overall.share, 1)}</td>
            <td>{pct(g.chart.zones.find((z) => z.zone === "loyalty")?.share, 1)}</td>
          </tr>
        ))}
      </Table>
    </Card>
  );
}

/** Coded answers (e.g. why former customers left) per customer group: share of those who answered, with counts. */
function CodedAnswersCard({ data }: { data: LoyaltyResponse }) {
  const { t, num, pct, lang } = useLI18n();
  const groups = data.groups.filter((g) => g.n > 0);
  return (
    <Card title={t("loy.coded")} id="coded-answers">
      <p class="muted small">{t("loy.codedHint")}</p>
      {data.codedQuestions.map((question) => (
        <Table
          key={question.itemId}
          class="small"
          testId={`coded-${question.itemId}`}
          focusable
          caption={localized(question.label, lang)}
          captionClass=""
          columns={[
            { label: t("loy.option") },
            ...groups.map((g) => ({
              label: `${t(`loy.status.${g.status}`)} (${num(g.codedAnswers.find((c) => c.itemId === question.itemId)?.answered ?? 0, 0)})`,
            })),
          ]}
        >
          {question.options.map((option) => (
            <tr key={option.optionId} data-option={option.optionId}>
              <td>{localized(option.label, lang)}</td>
              {groups.map((g) => {
                const entry = g.codedAnswers.find((c) => c.itemId === question.itemId)?.options.find((o) => o.optionId === option.optionId);
                return (
                  <td key={g.status} data-status={g.status}>
                    {pct(entry?.share ?? null, 0)} <span class="muted">({num(entry?.count ?? 0, 0)})</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </Table>
      ))}
    </Card>
  );
}
