/**
 * Organisation administration (manager and above; most sections admin only): members and roles,
 * organisation settings, webhooks, API keys, respondent privacy and the audit log.
 */
import { Link } from "../../lib/router";
import { atLeast, useSession, type Role } from "../../lib/session";
import { PageHeader } from "../../components/ui";
import { useT, type AKey } from "./messages";
import { MembersSection } from "./Members";
import { OrganisationSection } from "./OrgSettings";
import { WebhooksSection } from "./Webhooks";
import { PrivacySection } from "./Privacy";
import { AuditSection } from "./Audit";
import { ReportsSection } from "./Reports";
import "../../styles/builder.css";
import "../../styles/admin.css";

type Section = { key: string; label: AKey; min: Role; to?: string };
const SECTIONS: Section[] = [
  { key: "members", label: "admin.members", min: "manager" },
  { key: "organisation", label: "admin.organisation", min: "manager" },
  { key: "reports", label: "admin.reports", min: "manager" },
  { key: "webhooks", label: "admin.webhooks", min: "admin" },
  { key: "api-keys", label: "admin.apiKeys", min: "admin", to: "/settings/api-keys" },
  { key: "privacy", label: "admin.privacy", min: "admin" },
  { key: "audit", label: "admin.audit", min: "admin" },
];

export function AdminPage({ section }: { section: string }) {
  const t = useT();
  const { me } = useSession();
  if (!me) return null;
  const visible = SECTIONS.filter((s) => atLeast(me.role, s.min));
  const current = SECTIONS.find((s) => s.key === section);
  const allowed = current && atLeast(me.role, current.min);
  return (
    <>
      <PageHeader title={`${t("admin.title")}${current ? ` · ${t(current.label)}` : ""}`} />
      <nav class="tabs" aria-label={t("admin.sections")}>
        <ul>
          {visible.map((s) => (
            <li key={s.key}>
              <Link to={s.to ?? `/admin/${s.key}`} aria-current={s.key === section ? "page" : undefined}>
                {t(s.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {!current && <p>{t("admin.unknown")}</p>}
      {current && !allowed && <p class="alert alert-warn">{t("admin.adminOnly")}</p>}
      {allowed && section === "members" && <MembersSection />}
      {allowed && section === "organisation" && <OrganisationSection />}
      {allowed && section === "reports" && <ReportsSection />}
      {allowed && section === "webhooks" && <WebhooksSection />}
      {allowed && section === "privacy" && <PrivacySection />}
      {allowed && section === "audit" && <AuditSection />}
    </>
  );
}
