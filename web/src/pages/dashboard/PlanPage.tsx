/**
 * An improvement plan on its own page (/surveys/:id/plans/:planId): what is done, by whom, on which
 * index, its status, and the verdict of its effect (docs/statistics.md §11.6, §11.8).
 */
import { useState } from "preact/hooks";
import "../../styles/science.css";
import { api } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { Link } from "../../lib/router";
import { ErrorAlert, Field, Loading, PageHeader } from "../../components/ui";
import type { Plan, PlanDetail } from "../../../../src/contracts/science";
import { constructLabel } from "./constructs";
import { PlanEffect } from "./Science";
import { useSI18n } from "./science-messages";

const STATUSES: Array<Plan["status"]> = ["planned", "in_progress", "done", "dropped"];

export function PlanPage({ surveyId, planId }: { surveyId: string; planId: string }) {
  const i18n = useSI18n();
  const { t, num } = i18n;
  const [saveError, setSaveError] = useState<unknown>(null);
  const url = `/api/surveys/${encodeURIComponent(surveyId)}/plans/${encodeURIComponent(planId)}`;
  const state = useAsync((signal) => api<PlanDetail>(url, { signal }), [url]);
  const plan = state.data;
  const setStatus = async (status: Plan["status"]) => {
    setSaveError(null);
    try {
      await api(url, { method: "PATCH", body: { status } });
      state.reload();
    } catch (caught) {
      setSaveError(caught);
    }
  };
  return (
    <>
      <PageHeader title={plan?.title ?? t("sci.plans.title")} subtitle={plan ? `${t("sci.plans.owner")}: ${plan.owner}` : undefined} />
      <p>
        <Link to={`/dashboard?survey=${encodeURIComponent(surveyId)}#plans`}>{t("sci.plans.back")}</Link>
      </p>
      {state.error && <ErrorAlert error={state.error} onRetry={state.reload} />}
      {!plan && !state.error && <Loading />}
      {plan && (
        <>
          <dl class="facts facts-inline" data-testid="plan-facts">
            <div>
              <dt>{t("sci.plans.source")}</dt>
              <dd>
                {t(`sci.plans.kind.${plan.sourceKind}`)}: {plan.sourceRef}
              </dd>
            </div>
            <div>
              <dt>{t("sci.plans.target")}</dt>
              <dd>
                {constructLabel(i18n, plan.targetConstruct)} → {num(plan.targetValue, 1)}
              </dd>
            </div>
            <div>
              <dt>{t("sci.plans.start")}</dt>
              <dd>{plan.startDate}</dd>
            </div>
            <div>
              <dt>{t("sci.plans.review")}</dt>
              <dd>{plan.reviewDate}</dd>
            </div>
          </dl>
          <Field id="plan-status" label={t("sci.plans.status")}>
            {(props) => (
              <select {...props} value={plan.status} onChange={(e) => void setStatus(e.currentTarget.value as Plan["status"])}>
                {STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {t(`sci.plans.status.${status}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {saveError !== null && <ErrorAlert error={saveError} />}
          <PlanEffect plan={plan} i18n={i18n} />
        </>
      )}
    </>
  );
}
