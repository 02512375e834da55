import { useState } from "preact/hooks";
import { api, ApiError } from "../lib/api";
import { downloadText, toCsv } from "../lib/csv";
import { useAsync } from "../lib/hooks";
import { useI18n, type MessageKey } from "../lib/i18n";
import { can, useSession } from "../lib/session";
import type { CreatedInvitation, Invitation, InvitationList, InvitationStatus, SurveyDetail } from "../lib/types";
import { Badge, Card, ErrorAlert, Field, Loading, Pager, Table } from "../components/ui";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PAGE_SIZE = 50;

const STATUS_TONE: Record<InvitationStatus, "ok" | "warn" | "bad" | "info" | "muted"> = {
  not_opened: "muted",
  opened: "info",
  started: "warn",
  completed: "ok",
  expired: "bad",
};

/** Creating invitations and their list, on the distribution screen; `version` changes when the page added invitations (a CSV import). */
export function InvitationsTab({ survey, version = 0, onCreated }: { survey: SurveyDetail; version?: number; onCreated?: () => void }) {
  const { me } = useSession();
  const created = () => onCreated?.();
  return (
    <div class="stack">
      {can(me, "invitations:write") && <CreateInvitations survey={survey} onCreated={created} />}
      <InvitationList survey={survey} version={version} />
    </div>
  );
}

function CreateInvitations({ survey, onCreated }: { survey: SurveyDetail; onCreated: () => void }) {
  const { t } = useI18n();
  const hiddenFields = survey.draftDefinition.hiddenFields;
  const [emails, setEmails] = useState("");
  const [count, setCount] = useState("1");
  const [hidden, setHidden] = useState<Record<string, string>>({});
  const [validUntil, setValidUntil] = useState("");
  const [uses, setUses] = useState("1");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedInvitation[] | null>(null);

  const lines = emails
    .split(/[\r\n,;]+/)
    .map((l) => l.trim())
    .filter(Boolean);

  async function submit(event: Event) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    const bad = lines.filter((l) => !EMAIL.test(l));
    if (bad.length) errors.emails = t("inv.badEmails", { list: bad.slice(0, 5).join(", ") });
    if (lines.length > 1000) errors.emails = t("inv.tooMany");
    const n = Number(count);
    if (!lines.length && !(Number.isInteger(n) && n >= 1 && n <= 1000)) errors.count = t("inv.countInvalid");
    const u = Number(uses);
    if (!(Number.isInteger(u) && u >= 1 && u <= 1000)) errors.uses = t("inv.usesInvalid");
    if (validUntil && new Date(validUntil) <= new Date()) errors.validUntil = t("inv.validUntilPast");
    setLocal(errors);
    if (Object.keys(errors).length) return;
    const hiddenValues = Object.fromEntries(Object.entries(hidden).filter(([, v]) => v !== ""));
    const base = {
      ...(Object.keys(hiddenValues).length ? { hidden: hiddenValues } : {}),
      ...(validUntil ? { validUntil: new Date(validUntil).toISOString() } : {}),
      uses: u,
    };
    const invitations = lines.length ? lines.map((email) => ({ ...base, email })) : Array.from({ length: n }, () => ({ ...base }));
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ items: CreatedInvitation[] }>(`/api/surveys/${encodeURIComponent(survey.id)}/invitations`, {
        method: "POST",
        body: { invitations },
      });
      setCreated(result.items);
      setEmails("");
      onCreated();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const serverFieldError = (suffix: string) => {
    if (!(error instanceof ApiError)) return undefined;
    const hits = (error.problem.errors ?? []).filter((e) => e.field.endsWith(suffix));
    return hits.length ? hits.map((e) => `${e.field}: ${e.message}`).join("; ") : undefined;
  };

  return (
    <Card title={t("inv.create")}>
      {survey.status !== "published" && <p class="alert alert-warn">{t("inv.notPublished")}</p>}
      <form class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <Field id="inv-emails" label={t("inv.emails")} hint={t("inv.emailsHint")} error={local.emails ?? serverFieldError(".email")}>
          {(p) => <textarea {...p} rows={4} value={emails} onInput={(e) => setEmails(e.currentTarget.value)} />}
        </Field>
        <div class="form-grid">
          {!lines.length && (
            <Field id="inv-count" label={t("inv.count")} hint={t("inv.countHint")} error={local.count}>
              {(p) => <input {...p} type="number" min={1} max={1000} value={count} onInput={(e) => setCount(e.currentTarget.value)} />}
            </Field>
          )}
          {hiddenFields.map((h) => (
            <Field key={h.id} id={`inv-hidden-${h.id}`} label={<span data-content>{h.label ?? h.id}</span>} error={serverFieldError(`hidden.${h.id}`)}>
              {(p) =>
                h.allowedValues ? (
                  <select {...p} value={hidden[h.id] ?? ""} onChange={(e) => setHidden({ ...hidden, [h.id]: e.currentTarget.value })}>
                    <option value="">{t("common.none")}</option>
                    {h.allowedValues.map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input {...p} maxLength={200} value={hidden[h.id] ?? ""} onInput={(e) => setHidden({ ...hidden, [h.id]: e.currentTarget.value })} />
                )
              }
            </Field>
          ))}
          <Field id="inv-valid-until" label={t("inv.validUntil")} error={local.validUntil ?? serverFieldError(".validUntil")}>
            {(p) => <input {...p} type="datetime-local" value={validUntil} onInput={(e) => setValidUntil(e.currentTarget.value)} />}
          </Field>
          <Field id="inv-uses" label={t("inv.uses")} error={local.uses ?? serverFieldError(".uses")}>
            {(p) => <input {...p} type="number" min={1} max={1000} value={uses} onInput={(e) => setUses(e.currentTarget.value)} />}
          </Field>
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t("common.saving") : lines.length ? t("inv.createN", { n: lines.length }) : t("inv.createLinks")}
          </button>
        </div>
      </form>
      {created && created.length > 0 && (
        <div class="created-links" role="status">
          <p class="alert alert-warn">{t("inv.shownOnce", { n: created.length })}</p>
          <div class="btn-row">
            <button
              type="button"
              class="btn btn-primary"
              onClick={() =>
                downloadText(`${survey.slug}-invitations.csv`, toCsv([["invitation_id", "email", "url"], ...created.map((c) => [c.id, c.email, c.url])]))
              }
            >
              {t("inv.downloadLinks")}
            </button>
            <button type="button" class="btn" onClick={() => void navigator.clipboard?.writeText(created.map((c) => c.url).join("\n"))}>
              {t("inv.copyLinks")}
            </button>
          </div>
          <Table columns={[{ label: t("inv.col.email") }, { label: t("inv.col.link") }]}>
            {created.slice(0, 100).map((c) => (
              <tr key={c.id}>
                <td>{c.email ?? "—"}</td>
                <td class="break">
                  <code>{c.url}</code>
                </td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </Card>
  );
}

function InvitationList({ survey, version }: { survey: SurveyDetail; version: number }) {
  const { t, date } = useI18n();
  const [page, setPage] = useState(1);
  const list = useAsync(
    (signal) => api<InvitationList>(`/api/surveys/${encodeURIComponent(survey.id)}/invitations`, { query: { page, pageSize: PAGE_SIZE }, signal }),
    [survey.id, page, version],
  );
  return (
    <Card title={t("inv.list")}>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.total === 0 && <p class="empty">{t("inv.empty")}</p>}
      {list.data && list.data.total > 0 && (
        <>
          <Table columns={[{ label: t("inv.col.email") }, { label: t("inv.col.status") }, { label: t("inv.col.segments") }, { label: t("inv.col.created") }, { label: t("inv.col.opened") }, { label: t("inv.col.completed") }, { label: t("inv.col.validUntil") }]}>
            {list.data.items.map((inv) => (
              <tr key={inv.id}>
                <td>{inv.email ?? <span class="muted">{t("inv.anonymous")}</span>}</td>
                <td>
                  <Badge tone={STATUS_TONE[inv.status]}>{t(`inv.status.${inv.status}` as MessageKey)}</Badge>
                </td>
                <td class="small">
                  {Object.entries(inv.hidden)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(", ") || "—"}
                </td>
                <td>{date(inv.createdAt, true)}</td>
                <td>{date(inv.openedAt, true)}</td>
                <td>{date(inv.completedAt, true)}</td>
                <td>{date(inv.validUntil, true)}</td>
              </tr>
            ))}
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={setPage} />
        </>
      )}
    </Card>
  );
}
