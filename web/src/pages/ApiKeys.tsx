import { useState } from "preact/hooks";
import { api, ApiError } from "../lib/api";
import { useAsync } from "../lib/hooks";
import { useI18n, type MessageKey } from "../lib/i18n";
import { atLeast, ROLES, useSession, type Role } from "../lib/session";
import type { ApiKey, CreatedApiKey } from "../lib/types";
import { Badge, Card, ErrorAlert, Field, Loading, PageHeader, Table } from "../components/ui";

export function ApiKeysPage() {
  const { t, date } = useI18n();
  const { me } = useSession();
  const keys = useAsync((signal) => api<{ items: ApiKey[] }>("/api/api-keys", { signal }), []);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [nameError, setNameError] = useState<string>();
  const grantable = ROLES.filter((r) => me && (r === "owner" ? me.role === "owner" : atLeast(me.role, r)));

  async function create(event: Event) {
    event.preventDefault();
    if (!name.trim()) {
      setNameError(t("keys.nameRequired"));
      return;
    }
    setNameError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      setCreated(await api<CreatedApiKey>("/api/api-keys", { method: "POST", body: { name: name.trim(), role } }));
      setName("");
      keys.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(key: ApiKey) {
    if (!confirm(t("keys.confirmRevoke", { name: key.name }))) return;
    try {
      await api(`/api/api-keys/${encodeURIComponent(key.id)}`, { method: "DELETE" });
      keys.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <PageHeader title={t("keys.title")} subtitle={t("keys.subtitle")} />
      <div class="stack">
        <Card title={t("keys.create")}>
          <form class="form" onSubmit={create} noValidate>
            <ErrorAlert error={error} />
            <div class="form-grid">
              <Field id="key-name" label={t("keys.name")} error={nameError ?? (error instanceof ApiError ? error.fieldError("name") : undefined)}>
                {(p) => <input {...p} maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
              </Field>
              <Field id="key-role" label={t("keys.role")} error={error instanceof ApiError ? error.fieldError("role") : undefined}>
                {(p) => (
                  <select {...p} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                    {grantable.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}` as MessageKey)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {t("keys.createButton")}
            </button>
          </form>
          {created && (
            <div class="alert alert-warn" role="status">
              <p>{t("keys.shownOnce")}</p>
              <p>
                <code class="break" data-testid="new-api-key">
                  {created.key}
                </code>
              </p>
              <button type="button" class="btn btn-small" onClick={() => void navigator.clipboard?.writeText(created.key)}>
                {t("common.copy")}
              </button>
            </div>
          )}
        </Card>
        <Card title={t("keys.list")}>
          <ErrorAlert error={keys.error} onRetry={keys.reload} />
          {keys.loading && !keys.data && <Loading />}
          {keys.data && (
            <Table columns={[{ label: t("keys.name") }, { label: t("keys.role") }, { label: t("keys.prefix") }, { label: t("keys.created") }, { label: t("keys.lastUsed") }, { label: t("keys.state") }]}>
              {keys.data.items.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>{t(`role.${k.role}` as MessageKey)}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{date(k.createdAt, true)}</td>
                  <td>{date(k.lastUsedAt, true)}</td>
                  <td>
                    {k.revokedAt ? (
                      <Badge tone="muted">{t("keys.revoked")}</Badge>
                    ) : (
                      <button type="button" class="btn btn-small btn-danger" onClick={() => void revoke(k)}>
                        {t("keys.revoke")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
