/**
 * Respondent privacy requests (admins): find everything about one e-mail address, hand it over as
 * JSON, or delete / anonymise it after typing the address to confirm.
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useI18n } from "../../lib/i18n";
import { Card, ErrorAlert, Field, Table } from "../../components/ui";
import { useConfirm } from "../builder/dialog";
import { isMissingRoute, saveFile } from "../builder/http";
import { useT } from "./messages";
import type { Erasure, RespondentExport } from "../../../../src/contracts/respondents";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function PrivacySection() {
  const t = useT();
  const { date } = useI18n();
  const [email, setEmail] = useState("");
  const [local, setLocal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [found, setFound] = useState<RespondentExport | null>(null);
  const [done, setDone] = useState<Erasure | null>(null);
  const { confirm, element } = useConfirm();

  async function find(address: string) {
    setBusy(true);
    setError(undefined);
    setFound(null);
    try {
      setFound(await api<RespondentExport>("/api/respondents/export", { query: { email: address } }));
    } catch (e) {
      setError(isMissingRoute(e) ? new Error(t("admin.unsupported")) : e);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: Event) {
    e.preventDefault();
    setDone(null);
    const address = email.trim().toLowerCase();
    if (!EMAIL.test(address)) {
      setLocal(t("p.invalidEmail"));
      document.getElementById("privacy-email")?.focus();
      return;
    }
    setLocal(undefined);
    void find(address);
  }

  function erase(mode: "delete" | "anonymise") {
    if (!found) return;
    const address = found.email;
    confirm({
      title: mode === "delete" ? t("p.deleteTitle", { email: address }) : t("p.anonymiseTitle", { email: address }),
      body: <p>{mode === "delete" ? t("p.deleteBody") : t("p.anonymiseBody")}</p>,
      confirmLabel: mode === "delete" ? t("p.delete") : t("p.anonymise"),
      danger: true,
      confirmText: address,
      onConfirm: async () => {
        setError(undefined);
        try {
          const result = await api<Erasure>("/api/respondents", { method: "DELETE", query: { email: address, mode } });
          setDone(result);
          await find(address);
        } catch (e) {
          setError(e);
        }
      },
    });
  }

  const empty = found && found.invitations.length + found.responses.length + found.complaints.length + found.emailsSent.length === 0;

  return (
    <div class="stack">
      <Card title={t("p.title")}>
        <p>{t("p.intro")}</p>
        <form class="form a-search" onSubmit={submit} noValidate role="search">
          <Field id="privacy-email" label={t("p.email")} error={local ?? (error instanceof ApiError ? error.fieldError("email") : undefined)}>
            {(p) => <input {...p} type="email" autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
          </Field>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {t("p.find")}
            </button>
          </div>
        </form>
        <ErrorAlert error={error} />
        {done && (
          <div class="alert alert-ok" role="status" data-testid="privacy-done">
            <p>
              {t("p.done", {
                responses: done.responses,
                invitations: done.invitations,
                complaints: done.complaints,
                emails: done.emails,
                mode: t(done.mode === "delete" ? "p.mode.delete" : "p.mode.anonymise"),
              })}
            </p>
            {done.skippedResponses.length > 0 && <p>{t("p.skipped", { n: done.skippedResponses.length })}</p>}
          </div>
        )}
      </Card>
      {found && (
        <Card title={t("p.found", { email: found.email })} id="privacy-result">
          {empty ? (
            <p data-testid="privacy-empty">{t("p.nothing", { email: found.email })}</p>
          ) : (
            <>
              <dl class="facts" data-testid="privacy-counts">
                <div>
                  <dt>{t("p.invitations")}</dt>
                  <dd>{found.invitations.length}</dd>
                </div>
                <div>
                  <dt>{t("p.responses")}</dt>
                  <dd>{found.responses.length}</dd>
                </div>
                <div>
                  <dt>{t("p.complaints")}</dt>
                  <dd>{found.complaints.length}</dd>
                </div>
                <div>
                  <dt>{t("p.emails")}</dt>
                  <dd>{found.emailsSent.length}</dd>
                </div>
              </dl>
              {found.responses.length > 0 && (
                <Table caption={t("p.responses")} captionClass="a-caption" class="table-compact" columns={[{ label: t("p.survey") }, { label: t("p.status") }, { label: t("p.date") }]}>
                  {found.responses.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <code>{r.surveySlug ?? "—"}</code>
                      </td>
                      <td>{r.status}</td>
                      <td>{date(r.completedAt ?? r.createdAt, true)}</td>
                    </tr>
                  ))}
                </Table>
              )}
              {found.complaints.length > 0 && (
                <Table caption={t("p.complaints")} captionClass="a-caption" class="table-compact" columns={[{ label: t("p.reference") }, { label: t("p.status") }, { label: t("p.date") }]}>
                  {found.complaints.map((c) => (
                    <tr key={c.id}>
                      <td>{c.reference}</td>
                      <td>{c.state}</td>
                      <td>{date(c.receivedAt, true)}</td>
                    </tr>
                  ))}
                </Table>
              )}
            </>
          )}
          <div class="btn-row a-privacy-actions">
            <button type="button" class="btn" onClick={() => saveFile(`respondent-${found.email.replace(/[^a-z0-9]+/gi, "_")}.json`, `${JSON.stringify(found, null, 2)}\n`, "application/json")}>
              {t("p.download")}
            </button>
            {!empty && (
              <>
                <button type="button" class="btn" onClick={() => erase("anonymise")}>
                  {t("p.anonymise")}
                </button>
                <button type="button" class="btn btn-danger" onClick={() => erase("delete")} data-testid="privacy-delete">
                  {t("p.delete")}
                </button>
              </>
            )}
          </div>
        </Card>
      )}
      {element}
    </div>
  );
}
