/**
 * Members and roles. The UI offers only what the server's no-escalation rule allows (nobody grants
 * a role above their own, only owners touch owners) and shows the server's answer when it refuses
 * anyway (e.g. the last owner, or a role changed meanwhile).
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n, type MessageKey } from "../../lib/i18n";
import { atLeast, ROLES, useSession, type Role } from "../../lib/session";
import { canGrantRole, isRole } from "../../../../src/domain/permissions";
import { Badge, Card, ErrorAlert, Field, Loading, Table } from "../../components/ui";
import { useConfirm } from "../builder/dialog";
import { useT } from "./messages";
import type { Deactivation, Member, StaffInvitation } from "../../../../src/contracts/organisation";


const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function MembersSection() {
  const t = useT();
  const { t: tApp, date } = useI18n();
  const { me } = useSession();
  const members = useAsync((signal) => api<{ items: Member[] }>("/api/organisation/members", { signal }), []);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const { confirm, element } = useConfirm();
  if (!me) return null;
  const manage = atLeast(me.role, "admin");
  const grantable = ROLES.filter((r) => canGrantRole(me.role, r));
  const editable = (m: Member) => manage && m.userId !== me.user.id && isRole(m.role) && canGrantRole(me.role, m.role);
  const roleName = (r: string) => (isRole(r) ? tApp(`role.${r}` as MessageKey) : r);

  async function changeRole(m: Member, role: Role) {
    setBusy(m.id);
    setError(undefined);
    setNotice(undefined);
    try {
      const updated = await api<Member>(`/api/organisation/members/${encodeURIComponent(m.id)}`, { method: "PATCH", body: { role } });
      setNotice(t("m.roleChanged", { name: updated.name, role: roleName(updated.role) }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
      members.reload();
    }
  }

  function deactivate(m: Member) {
    confirm({
      title: t("m.deactivateTitle", { name: m.name }),
      body: <p>{t("m.deactivateBody")}</p>,
      confirmLabel: t("m.deactivate"),
      danger: true,
      onConfirm: async () => {
        setError(undefined);
        setNotice(undefined);
        try {
          const result = await api<Deactivation>(`/api/organisation/members/${encodeURIComponent(m.id)}`, { method: "DELETE" });
          setNotice(t("m.deactivated", { name: m.name, n: result.sessionsRevoked }));
        } catch (e) {
          setError(e);
        } finally {
          members.reload();
        }
      },
    });
  }

  return (
    <div class="stack">
      <Card title={t("m.list")}>
        <p class="field-hint">{t("m.rules")}</p>
        <ErrorAlert error={members.error} onRetry={members.reload} />
        <ErrorAlert error={error} />
        {notice && (
          <p class="alert alert-ok" role="status">
            {notice}
          </p>
        )}
        {members.loading && !members.data && <Loading />}
        {members.data && (
          <Table testId="members-table" columns={[{ label: t("m.name") }, { label: t("m.email") }, { label: t("m.role") }, { label: t("m.joined") }, manage && { label: t("m.actions") }]}>
            {members.data.items.map((m) => (
              <tr key={m.id} data-member={m.email}>
                <th scope="row">
                  {m.name} {m.userId === me.user.id && <Badge tone="info">{t("m.you")}</Badge>}
                </th>
                <td class="break">{m.email}</td>
                <td>
                  {editable(m) ? (
                    <select
                      aria-label={t("m.roleOf", { name: m.name })}
                      value={m.role}
                      disabled={busy === m.id}
                      onChange={(e) => void changeRole(m, e.currentTarget.value as Role)}
                    >
                      {grantable.map((r) => (
                        <option key={r} value={r}>
                          {roleName(r)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <span title={manage ? t("m.cannotChange") : undefined}>{roleName(m.role)}</span>
                  )}
                </td>
                <td>{date(m.createdAt)}</td>
                {manage && (
                  <td>
                    {editable(m) && (
                      <button type="button" class="btn btn-small btn-danger" onClick={() => deactivate(m)}>
                        {t("m.deactivate")}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </Table>
        )}
      </Card>
      {me.user.kind === "user" && <InviteCard grantable={grantable} />}
      {element}
    </div>
  );
}

function InviteCard({ grantable }: { grantable: Role[] }) {
  const t = useT();
  const { t: tApp, date } = useI18n();
  const pending = useAsync((signal) => api<{ items: StaffInvitation[] }>("/api/organisation/invitations", { signal }), []);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("staff");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<string>();
  const [sent, setSent] = useState<StaffInvitation | null>(null);
  const [notice, setNotice] = useState<string>();

  async function submit(e: Event) {
    e.preventDefault();
    setSent(null);
    setNotice(undefined);
    if (!EMAIL.test(email.trim())) {
      setLocal(t("m.invalidEmail"));
      document.getElementById("inv-staff-email")?.focus();
      return;
    }
    setLocal(undefined);
    setBusy(true);
    setError(undefined);
    try {
      setSent(await api<StaffInvitation>("/api/organisation/invitations", { method: "POST", body: { email: email.trim(), role } }));
      setEmail("");
      pending.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function cancel(inv: StaffInvitation) {
    setError(undefined);
    try {
      await api(`/api/organisation/invitations/${encodeURIComponent(inv.id)}`, { method: "DELETE" });
      setNotice(t("m.canceled", { email: inv.email }));
    } catch (err) {
      setError(err);
    } finally {
      pending.reload();
    }
  }

  return (
    <Card title={t("m.invite")}>
      <p class="field-hint">{t("m.inviteHint")}</p>
      <form class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <div class="form-grid">
          <Field id="inv-staff-email" label={t("m.inviteEmail")} error={local ?? (error instanceof ApiError ? error.fieldError("email") : undefined)}>
            {(p) => <input {...p} type="email" autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
          </Field>
          <Field id="inv-staff-role" label={t("m.inviteRole")} error={error instanceof ApiError ? error.fieldError("role") : undefined}>
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                {grantable.map((r) => (
                  <option key={r} value={r}>
                    {tApp(`role.${r}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t("m.inviteSend")}
          </button>
        </div>
      </form>
      {sent && (
        <div class="alert alert-ok" role="status">
          <p>{t("m.invited", { email: sent.email })}</p>
        </div>
      )}
      {notice && (
        <p class="alert alert-ok" role="status">
          {notice}
        </p>
      )}
      <h3>{t("m.pending")}</h3>
      <ErrorAlert error={pending.error} onRetry={pending.reload} />
      {pending.data && pending.data.items.length === 0 && <p class="muted">{t("m.noPending")}</p>}
      {pending.data && pending.data.items.length > 0 && (
        <Table class="table-compact" columns={[{ label: t("m.email") }, { label: t("m.role") }, { label: t("m.expires") }, { label: t("m.actions") }]}>
          {pending.data.items.map((inv) => (
            <tr key={inv.id}>
              <td class="break">{inv.email}</td>
              <td>{inv.role && isRole(inv.role) ? tApp(`role.${inv.role}` as MessageKey) : inv.role ?? "—"}</td>
              <td>{date(inv.expiresAt, true)}</td>
              <td>
                {(!inv.role || !isRole(inv.role) || grantable.includes(inv.role)) && (
                  <button type="button" class="btn btn-small" onClick={() => void cancel(inv)}>
                    {t("m.cancelInvitation")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
