/**
 * The survey's one set of section tabs, on the overview, builder, distribution and responses pages alike
 * (invitations are part of distribution: /surveys/:id/invitations redirects there). Labels come from the
 * app's dictionary, so the overview's main chunk does not load the builder's.
 */
import { useI18n } from "../../lib/i18n";
import { Link } from "../../lib/router";

export type SurveySection = "overview" | "builder" | "distribution" | "responses";

export function SurveyTabs({ id, current }: { id: string; current: SurveySection }) {
  const { t } = useI18n();
  const base = `/surveys/${encodeURIComponent(id)}`;
  const tabs: { key: SurveySection; label: string; to: string }[] = [
    { key: "overview", label: t("survey.tab.overview"), to: base },
    { key: "builder", label: t("survey.tab.builder"), to: `${base}/builder` },
    { key: "distribution", label: t("survey.tab.distribution"), to: `${base}/distribution` },
    { key: "responses", label: t("survey.tab.responses"), to: `${base}/responses` },
  ];
  return (
    <nav class="tabs" aria-label={t("survey.sections")}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.key}>
            <Link to={tab.to} aria-current={current === tab.key ? "page" : undefined}>
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
