import { api } from "../lib/api";
import { useAsync } from "../lib/hooks";
import { useI18n, type MessageKey } from "../lib/i18n";
import { Link } from "../lib/router";
import { can, useSession } from "../lib/session";
import type { SurveyStatus, SurveySummary } from "../lib/types";
import { Badge, ErrorAlert, Loading, PageHeader, Table } from "../components/ui";

export function statusTone(status: SurveyStatus) {
  return status === "published" ? "ok" : status === "closed" ? "muted" : "info";
}

/** A survey list row's heading cell: its title, linked, over its slug. */
export function SurveyTitleCell({ survey, to }: { survey: Pick<SurveySummary, "title" | "slug">; to: string }) {
  return (
    <th scope="row">
      <Link to={to}>{survey.title}</Link>
      <div class="muted small">
        <code>{survey.slug}</code>
      </div>
    </th>
  );
}

export function SurveyStatusBadge({ status }: { status: SurveyStatus }) {
  const { t } = useI18n();
  return <Badge tone={statusTone(status)}>{t(`survey.status.${status}` as MessageKey)}</Badge>;
}

export function SurveysPage() {
  const { t, num, date } = useI18n();
  const { me } = useSession();
  const surveys = useAsync((signal) => api<{ items: SurveySummary[] }>("/api/surveys", { signal }), []);
  return (
    <>
      <PageHeader title={t("surveys.title")}>
        {can(me, "surveys:write") && (
          <Link to="/surveys/new" class="btn btn-primary">
            {t("surveys.new")}
          </Link>
        )}
      </PageHeader>
      <ErrorAlert error={surveys.error} onRetry={surveys.reload} />
      {surveys.loading && !surveys.data ? (
        <Loading />
      ) : surveys.data && surveys.data.items.length === 0 ? (
        <p class="empty">{t("surveys.empty")}</p>
      ) : (
        surveys.data && (
          <Table caption={t("surveys.title")} columns={[{ label: t("surveys.col.title") }, { label: t("surveys.col.status") }, { label: t("surveys.col.responses"), num: true }, { label: t("surveys.col.version") }, { label: t("surveys.col.access") }, { label: t("surveys.col.updated") }]}>
            {surveys.data.items.map((s) => (
              <tr key={s.id}>
                <SurveyTitleCell survey={s} to={`/surveys/${encodeURIComponent(s.id)}`} />
                <td>
                  <SurveyStatusBadge status={s.status} />
                </td>
                <td class="num">
                  {num(s.completedCount, 0)}
                  {s.responseQuota ? <span class="muted"> / {num(s.responseQuota, 0)}</span> : null}
                </td>
                <td>{s.publishedVersion ?? "—"}</td>
                <td>{t(`survey.access.${s.accessMode}` as MessageKey)}</td>
                <td>{date(s.updatedAt)}</td>
              </tr>
            ))}
          </Table>
        )
      )}
    </>
  );
}
