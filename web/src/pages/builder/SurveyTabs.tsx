/** The survey's section tabs as seen from the builder and distribution pages. */
import { useI18n } from "../../lib/i18n";
import { Link } from "../../lib/router";
import { can, useSession } from "../../lib/session";
import { useT } from "./messages";

export type SurveySection = "overview" | "builder" | "distribution" | "invitations" | "responses";

export function SurveyTabs({ id, current }: { id: string; current: SurveySection }) {
  const { t: tApp } = useI18n();
  const t = useT();
  const { me } = useSession();
  const base = `/surveys/${encodeURIComponent(id)}`;
  const tabs: { key: SurveySection; label: string; to: string; show: boolean }[] = [
    { key: "overview", label: tApp("survey.tab.overview"), to: base, show: true },
    { key: "builder", label: t("tab.builder"), to: `${base}/builder`, show: true },
    { key: "distribution", label: t("tab.distribution"), to: `${base}/distribution`, show: can(me, "invitations:write") },
    { key: "responses", label: tApp("survey.tab.responses"), to: `${base}/responses`, show: true },
  ];
  return (
    <nav class="tabs" aria-label={tApp("survey.sections")}>
      <ul>
        {tabs
          .filter((tab) => tab.show)
          .map((tab) => (
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
