/**
 * The page a staff invitation e-mail links to (/app/invite/<id>): shows who invites whom with which
 * role, and joins the organisation. Signed in: accept as the current user (whose e-mail must be
 * the invited one). Signed out: create the account for the invited address, then accept.
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n, type MessageKey } from "../../lib/i18n";
import { BASE, href, Link, navigate } from "../../lib/router";
import { useSession } from "../../lib/session";
import { Card, ErrorAlert, Field, Loading, PageHeader } from "../../components/ui";
import { useT } from "./messages";
import type { PublicStaffInvitation } from "../../../../src/contracts/organisation";


export function InvitePage({ id }: { id: string }) {
  const t = useT();
  const { t: tApp, date } = useI18n();
  const { me, refresh, signOut } = useSession();
  const invitation = useAsync((signal) => api<PublicStaffInvitation>(`/api/public/staff-invitations/${encodeURIComponent(id)}`, { signal, silent401: true }), [id]);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const inv = invitation.data;
  const roleName = inv?.role ? tApp(`role.${inv.role}` as MessageKey) : "—";
  const wrongUser = !!me && !!inv && (me.user.email ?? "").toLowerCase() !== inv.email.toLowerCase();

  async function accept() {
    await api(`/api/staff-invitations/${encodeURIComponent(id)}/accept`, { method: "POST", body: {} });
    await refresh();
    navigate(href("/"));
  }

  async function join(event: Event) {
    event.preventDefault();
    setError(undefined);
    if (!me) {
      const errors: Record<string, string> = {};
      if (!name.trim()) errors.name = t("i.nameRequired");
      if (password.length < 10) errors.password = t("i.passwordShort");
      setLocal(errors);
      if (Object.keys(errors).length) return;
    }
    setBusy(true);
    try {
      if (!me) await api("/api/auth/sign-up/email", { method: "POST", body: { email: inv!.email, password, name: name.trim() }, silent401: true });
      await accept();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader title={t("i.title")} />
      {invitation.loading && !inv && <Loading />}
      <ErrorAlert error={invitation.error} />
      {inv && (
        <Card>
          <p>{t("i.intro", { org: inv.organizationName, role: roleName, email: inv.email })}</p>
          {inv.status !== "pending" ? (
            <p class="alert alert-warn">{t("i.notPending", { status: inv.status })}</p>
          ) : wrongUser ? (
            <div class="alert alert-warn">
              <p>{t("i.wrongUser", { me: me!.user.email ?? me!.user.name, email: inv.email })}</p>
              <button type="button" class="btn btn-small" onClick={() => void signOut().then(() => navigate(`${BASE}/invite/${encodeURIComponent(id)}`))}>
                {tApp("nav.signOut")}
              </button>
            </div>
          ) : (
            <form class="form" onSubmit={join} noValidate>
              <ErrorAlert error={error} />
              <p class="muted small">{t("i.expires", { date: date(inv.expiresAt, true) })}</p>
              {!me && (
                <>
                  <p>{t("i.createAccount")}</p>
                  <Field id="join-email" label={tApp("signIn.email")}>
                    {(p) => <input {...p} value={inv.email} readOnly />}
                  </Field>
                  <Field id="join-name" label={t("i.name")} error={local.name ?? (error instanceof ApiError ? error.fieldError("name") : undefined)}>
                    {(p) => <input {...p} autocomplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
                  </Field>
                  <Field id="join-password" label={tApp("signIn.password")} hint={t("i.passwordHint")} error={local.password ?? (error instanceof ApiError ? error.fieldError("password") : undefined)}>
                    {(p) => <input {...p} type="password" autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
                  </Field>
                </>
              )}
              <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled={busy}>
                  {me ? t("i.accept", { org: inv.organizationName }) : t("i.signUpAndAccept")}
                </button>
              </div>
              {!me && (
                <p class="small">
                  <Link to={`/sign-in?next=${encodeURIComponent(`${BASE}/invite/${id}`)}`}>{t("i.haveAccount")}</Link>
                </p>
              )}
            </form>
          )}
        </Card>
      )}
    </>
  );
}
