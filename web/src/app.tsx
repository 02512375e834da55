import type { ComponentType } from "preact";
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError, setUnauthorizedHandler } from "./lib/api";
import { detectLang, I18nContext, LANGS, makeI18n, storeLang, useI18n, type Lang, type MessageKey } from "./lib/i18n";
import { BASE, Link, match, navigate, useLocation } from "./lib/router";
import { atLeast, can, homeFor, SessionContext, useSession, type Me, type Role } from "./lib/session";
import { ErrorAlert, Loading, PageHeader } from "./components/ui";
import { SignInPage } from "./pages/SignIn";
import { SurveysPage } from "./pages/Surveys";
import { NewSurveyPage } from "./pages/NewSurvey";
import { SurveyPage } from "./pages/Survey";
import { ApiKeysPage } from "./pages/ApiKeys";

/** Loads a page module on first use so the charting library only ships with the dashboard. */
function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>) {
  let cached: ComponentType<P> | undefined;
  return function LazyPage(props: P) {
    const [Component, setComponent] = useState<ComponentType<P> | undefined>(() => cached);
    const [error, setError] = useState<unknown>();
    useEffect(() => {
      if (cached) return;
      load().then(
        (c) => {
          cached = c;
          setComponent(() => c);
        },
        setError,
      );
    }, []);
    if (error) return <ErrorAlert error={error} />;
    return Component ? <Component {...props} /> : <Loading />;
  };
}

const DashboardPage = lazyPage(() => import("./pages/dashboard/Dashboard").then((m) => m.DashboardPage));
const ComplaintsPage = lazyPage(() => import("./pages/complaints/Queue").then((m) => m.ComplaintQueuePage));
const ReplyTemplatesPage = lazyPage(() => import("./pages/complaints/ReplyTemplates").then((m) => m.ReplyTemplatesPage));
const ComplaintPage = lazyPage<{ id: string }>(() => import("./pages/complaints/Complaint").then((m) => m.ComplaintPage));
const PlanPage = lazyPage<{ surveyId: string; planId: string }>(() => import("./pages/dashboard/PlanPage").then((m) => m.PlanPage));
const BuilderStartPage = lazyPage(() => import("./pages/builder/Start").then((m) => m.BuilderStartPage));
const BuilderPage = lazyPage<{ id: string }>(() => import("./pages/builder/Builder").then((m) => m.BuilderPage));
const DistributionPage = lazyPage<{ id: string }>(() => import("./pages/builder/Distribution").then((m) => m.DistributionPage));
const AdminPage = lazyPage<{ section: string }>(() => import("./pages/admin/Admin").then((m) => m.AdminPage));
const InvitePage = lazyPage<{ id: string }>(() => import("./pages/admin/Invite").then((m) => m.InvitePage));

type NavItem = { to: string; label: MessageKey; min: Role };
const NAV: NavItem[] = [
  { to: "/dashboard", label: "nav.dashboard", min: "manager" },
  { to: "/surveys", label: "nav.surveys", min: "viewer" },
  { to: "/complaints", label: "nav.complaints", min: "staff" },
  { to: "/builder", label: "nav.builder", min: "manager" },
  { to: "/settings/api-keys", label: "nav.apiKeys", min: "admin" },
  { to: "/admin", label: "nav.admin", min: "manager" },
];

export function App() {
  const [lang, setLangState] = useState<Lang>(detectLang);
  const setLang = useCallback((next: Lang) => {
    storeLang(next);
    setLangState(next);
  }, []);
  useEffect(() => storeLang(lang), []);
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);

  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<unknown>();
  const refresh = useCallback(async (): Promise<Me | null> => {
    try {
      const next = await api<Me>("/api/me", { silent401: true });
      setMe(next);
      setBootError(undefined);
      return next;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) setMe(null);
      else setBootError(error);
      return null;
    }
  }, []);
  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    void refresh();
  }, [refresh]);
  const signOut = useCallback(async () => {
    try {
      await api("/api/auth/sign-out", { method: "POST", body: {}, silent401: true });
    } finally {
      setMe(null);
      navigate(`${BASE}/sign-in`);
    }
  }, []);
  const session = useMemo(() => ({ me: me ?? null, signOut, refresh }), [me, signOut, refresh]);

  return (
    <I18nContext.Provider value={i18n}>
      <SessionContext.Provider value={session}>
        <a class="skip-link" href="#main">
          {i18n.t("nav.skip")}
        </a>
        {me === undefined ? (
          <main id="main" class="main">
            {bootError ? <ErrorAlert error={bootError} onRetry={refresh} /> : <Loading />}
          </main>
        ) : me === null ? (
          <SignedOut />
        ) : (
          <Shell />
        )}
      </SessionContext.Provider>
    </I18nContext.Provider>
  );
}

function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div class="lang-switch" role="group" aria-label={t("nav.language")}>
      {LANGS.map((l) => (
        <button key={l} type="button" class="btn btn-small btn-ghost" aria-pressed={lang === l} lang={l} onClick={() => setLang(l)}>
          {l === "zh-CN" ? "中文" : "English"}
        </button>
      ))}
    </div>
  );
}

function SignedOut() {
  const { path, query } = useLocation();
  // An invitation link must work for someone who has no account yet: the page offers sign-up.
  const invite = match("/invite/:id", path);
  useEffect(() => {
    if (path !== "/sign-in" && !invite) {
      const next = location.pathname + location.search;
      navigate(`${BASE}/sign-in${next.startsWith(BASE) && path !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`, { replace: true });
    }
  }, [path]);
  return (
    <>
      <header class="topbar topbar-plain">
        <span class="brand">Feedloop</span>
        <LangSwitch />
      </header>
      <main id="main" class="main main-narrow">
        {invite ? <InvitePage id={invite.id!} /> : <SignInPage next={query.get("next")} />}
      </main>
    </>
  );
}

function Shell() {
  const { me, signOut } = useSession();
  const { t } = useI18n();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  if (!me) return null;
  const items = NAV.filter((item) => atLeast(me.role, item.min));
  return (
    <>
      <header class="topbar">
        <Link to={homeFor(me.role)} class="brand">
          Feedloop
        </Link>
        <button type="button" class="btn btn-ghost menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
          {t("nav.menu")}
        </button>
        <nav id="main-nav" class={`main-nav${menuOpen ? " open" : ""}`} aria-label={t("nav.main")}>
          <ul>
            {items.map((item) => {
              const active = path === item.to || path.startsWith(`${item.to}/`);
              return (
                <li key={item.to}>
                  <Link to={item.to} aria-current={active ? "page" : undefined}>
                    {t(item.label)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div class="topbar-end">
          <LangSwitch />
          <span class="who">
            <span class="who-name">{me.user.name}</span>
            <span class="badge badge-info">{t(`role.${me.role}` as MessageKey)}</span>
          </span>
          <button type="button" class="btn btn-small" onClick={() => void signOut()}>
            {t("nav.signOut")}
          </button>
        </div>
      </header>
      <main id="main" class="main" tabIndex={-1}>
        {me.email.configured ? null : (
          <div class="alert alert-warn email-banner" role="status">
            <p>
              <strong>{t("email.notConfigured")}</strong> {t("email.notConfiguredDetail")} ({me.email.reason})
            </p>
          </div>
        )}
        <Routes />
      </main>
    </>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(`${BASE}${to}`, { replace: true }), [to]);
  // Right after sign-in this is what shows until the start page's chunk and data arrive: never a blank page.
  return <Loading />;
}

function Forbidden() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t("common.forbiddenTitle")} />
      <p>{t("common.forbidden")}</p>
    </>
  );
}

function Routes() {
  const { me } = useSession();
  const { t } = useI18n();
  const { path, query } = useLocation();
  if (!me) return null;
  if (path === "/" || path === "/sign-in") {
    // After signing in, go back to where the user was sent from (only in-app paths).
    const next = path === "/sign-in" ? query.get("next") : null;
    const safe = next && next.startsWith(`${BASE}/`) && !next.startsWith(`${BASE}/sign-in`) && !next.startsWith("//") ? next.slice(BASE.length) : null;
    return <Redirect to={safe ?? homeFor(me.role)} />;
  }
  let m: Record<string, string> | null;
  if (path === "/dashboard") return can(me, "analytics:read") ? <DashboardPage /> : <Forbidden />;
  if (path === "/surveys") return <SurveysPage />;
  if (path === "/surveys/new") return can(me, "surveys:write") ? <NewSurveyPage /> : <Forbidden />;
  if ((m = match("/surveys/:id", path))) return <SurveyPage id={m.id!} tab="overview" />;
  if ((m = match("/surveys/:id/responses", path))) return <SurveyPage id={m.id!} tab="responses" />;
  // Invitations were a second screen overlapping distribution; old links land on the one screen.
  if ((m = match("/surveys/:id/invitations", path))) return <Redirect to={`/surveys/${encodeURIComponent(m.id!)}/distribution`} />;
  if (path === "/builder") return can(me, "surveys:write") ? <BuilderStartPage /> : <Forbidden />;
  if ((m = match("/surveys/:id/plans/:planId", path))) return can(me, "analytics:read") ? <PlanPage surveyId={m.id!} planId={m.planId!} /> : <Forbidden />;
  if ((m = match("/surveys/:id/builder", path))) return <BuilderPage id={m.id!} />;
  if ((m = match("/surveys/:id/distribution", path))) return <DistributionPage id={m.id!} />;
  if (path === "/admin") return atLeast(me.role, "manager") ? <Redirect to="/admin/members" /> : <Forbidden />;
  if ((m = match("/admin/:section", path))) return atLeast(me.role, "manager") ? <AdminPage section={m.section!} /> : <Forbidden />;
  if ((m = match("/invite/:id", path))) return <InvitePage id={m.id!} />;
  if (path === "/complaints") return can(me, "complaints:read") ? <ComplaintsPage /> : <Forbidden />;
  if (path === "/complaints/replies") return can(me, "complaints:templates") ? <ReplyTemplatesPage /> : <Forbidden />;
  if ((m = match("/complaints/:id", path))) return can(me, "complaints:read") ? <ComplaintPage id={m.id!} /> : <Forbidden />;
  if (path === "/settings/api-keys") return can(me, "apikeys:manage") ? <ApiKeysPage /> : <Forbidden />;
  return (
    <>
      <PageHeader title={t("common.notFoundTitle")} />
      <p>{t("common.notFound")}</p>
      <p>
        <Link to={homeFor(me.role)}>{t("common.goHome")}</Link>
      </p>
    </>
  );
}
