import type { ComponentType, VNode } from "preact";
import { useCallback, useEffect, useErrorBoundary, useMemo, useState } from "preact/hooks";
import { lazy, Route, Router } from "preact-iso";
import { api, ApiError, setUnauthorizedHandler } from "./lib/api";
import { detectLang, I18nContext, LANGS, makeI18n, storeLang, useI18n, type Lang, type MessageKey } from "./lib/i18n";
import { AppLocationProvider, BASE, Link, navigate, useLocation } from "./lib/router";
import { atLeast, can, homeFor, SessionContext, useSession, type Me, type Role } from "./lib/session";
import type { Permission } from "../../src/domain/permissions";
import { ErrorAlert, Loading, PageHeader } from "./components/ui";
import { SignInPage } from "./pages/SignIn";
import { SurveysPage } from "./pages/Surveys";
import { NewSurveyPage } from "./pages/NewSurvey";
import { SurveyPage } from "./pages/Survey";
import { ApiKeysPage } from "./pages/ApiKeys";

// Loaded on first use (preact-iso's lazy: the Router keeps the previous page while a chunk loads),
// so the charting library only ships with the dashboard.
const DashboardPage = lazy(() => import("./pages/dashboard/Dashboard").then((m) => m.DashboardPage));
const ComplaintsPage = lazy(() => import("./pages/complaints/Queue").then((m) => m.ComplaintQueuePage));
const ReplyTemplatesPage = lazy(() => import("./pages/complaints/ReplyTemplates").then((m) => m.ReplyTemplatesPage));
const ComplaintPage = lazy(() => import("./pages/complaints/Complaint").then((m) => m.ComplaintPage));
const PlanPage = lazy(() => import("./pages/dashboard/PlanPage").then((m) => m.PlanPage));
const BuilderStartPage = lazy(() => import("./pages/builder/Start").then((m) => m.BuilderStartPage));
const BuilderPage = lazy(() => import("./pages/builder/Builder").then((m) => m.BuilderPage));
const DistributionPage = lazy(() => import("./pages/builder/Distribution").then((m) => m.DistributionPage));
const AdminPage = lazy(() => import("./pages/admin/Admin").then((m) => m.AdminPage));
const InvitePage = lazy(() => import("./pages/admin/Invite").then((m) => m.InvitePage));

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
    <AppLocationProvider>
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
    </AppLocationProvider>
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
  return (
    <>
      <header class="topbar topbar-plain">
        <span class="brand">Feedloop</span>
        <LangSwitch />
      </header>
      <main id="main" class="main main-narrow">
        <PageRouter>
          {/* An invitation link must work for someone who has no account yet: the page offers sign-up. */}
          <Route path={`${BASE}/invite/:id`} component={InvitePage} />
          <SignInRoute default />
        </PageRouter>
      </main>
    </>
  );
}

/** Every other address, signed out: the sign-in page, remembering where the person was going. */
function SignInRoute(_: Routable) {
  const { path, query } = useLocation();
  useEffect(() => {
    if (path !== "/sign-in") {
      const next = location.pathname + location.search;
      navigate(`${BASE}/sign-in${next.startsWith(BASE) && path !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`, { replace: true });
    }
  }, [path]);
  return <SignInPage next={query.get("next")} />;
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

/**
 * preact-iso's Router with a loading line while a page's chunk loads (before anything is shown) and an
 * alert, with a retry, for a page that fails to load or render.
 */
function PageRouter({ children }: { children: VNode[] }) {
  const [error, reset] = useErrorBoundary();
  const [loading, setLoading] = useState(false);
  if (error) return <ErrorAlert error={error} onRetry={reset} />;
  return (
    <>
      {loading ? <Loading /> : null}
      <Router onLoadStart={() => setLoading(true)} onLoadEnd={() => setLoading(false)}>
        {children}
      </Router>
    </>
  );
}

/** What preact-iso's Router reads from each child: the pattern it matches, or the fallback. */
type Routable = { path: string } | { default: true };

/** A route that needs a permission (or a minimum role); others see "forbidden". */
function Allowed<P extends object>({ page: Page, permission, role, path: _path, ...props }: { path: string; page: ComponentType<P>; permission?: Permission; role?: Role } & Partial<P>) {
  const { me } = useSession();
  if (!me) return null;
  const allowed = (permission === undefined || can(me, permission)) && (role === undefined || atLeast(me.role, role));
  return allowed ? <Page {...(props as P)} /> : <Forbidden />;
}

/** "/" and "/sign-in" once signed in: back to where the user was sent from (only in-app paths), else home. */
function Home(_: Routable) {
  const { me } = useSession();
  const { path, query } = useLocation();
  if (!me) return null;
  const next = path === "/sign-in" ? query.get("next") : null;
  const safe = next && next.startsWith(`${BASE}/`) && !next.startsWith(`${BASE}/sign-in`) && !next.startsWith("//") ? next.slice(BASE.length) : null;
  return <Redirect to={safe ?? homeFor(me.role)} />;
}

/** Invitations were a second screen overlapping distribution; old links land on the one screen. */
function InvitationsRedirect({ id }: Routable & { id?: string }) {
  return <Redirect to={`/surveys/${encodeURIComponent(id!)}/distribution`} />;
}

function NotFound(_: Routable) {
  const { me } = useSession();
  const { t } = useI18n();
  if (!me) return null;
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

function Routes() {
  const { me } = useSession();
  if (!me) return null;
  const at = (path: string) => `${BASE}${path}`;
  return (
    <PageRouter>
      <Home path={BASE} />
      <Home path={at("/sign-in")} />
      <Allowed path={at("/dashboard")} permission="analytics:read" page={DashboardPage} />
      <Route path={at("/surveys")} component={SurveysPage} />
      <Allowed path={at("/surveys/new")} permission="surveys:write" page={NewSurveyPage} />
      <Route path={at("/surveys/:id")} component={SurveyPage} tab="overview" />
      <Route path={at("/surveys/:id/responses")} component={SurveyPage} tab="responses" />
      <InvitationsRedirect path={at("/surveys/:id/invitations")} />
      <Allowed path={at("/builder")} permission="surveys:write" page={BuilderStartPage} />
      <Allowed path={at("/surveys/:surveyId/plans/:planId")} permission="analytics:read" page={PlanPage} />
      <Route path={at("/surveys/:id/builder")} component={BuilderPage} />
      <Route path={at("/surveys/:id/distribution")} component={DistributionPage} />
      <Allowed path={at("/admin")} role="manager" page={Redirect} to="/admin/members" />
      <Allowed path={at("/admin/:section")} role="manager" page={AdminPage} />
      <Route path={at("/invite/:id")} component={InvitePage} />
      <Allowed path={at("/complaints")} permission="complaints:read" page={ComplaintsPage} />
      <Allowed path={at("/complaints/replies")} permission="complaints:templates" page={ReplyTemplatesPage} />
      <Allowed path={at("/complaints/:id")} permission="complaints:read" page={ComplaintPage} />
      <Allowed path={at("/settings/api-keys")} permission="apikeys:manage" page={ApiKeysPage} />
      <NotFound default />
    </PageRouter>
  );
}
