/**
 * Distribution of a survey, the one screen for invitations (the former Invitations tab is part of it and its
 * URL redirects here): a customer list imported from CSV becomes personal invitations (the
 * server checks every row; with a rejected row nothing is imported unless "valid rows only" is
 * chosen), the personal links are downloaded as CSV (they exist only in the import's answer),
 * reminders go to those who have not completed (after a confirmation naming how many), and the
 * invitation list shows each status. Without invitations:write only the list shows.
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { downloadText, toCsv } from "../../lib/csv";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { Link } from "../../lib/router";
import { can, useSession } from "../../lib/session";
import type { SurveyDetail } from "../../lib/types";
import type { ImportedRow as Rejected, InvitationImport as ImportResult, ReminderPreview, ReminderResult } from "../../../../src/contracts/surveys";
import { Badge, Card, ErrorAlert, Loading, PageHeader, Table } from "../../components/ui";
import { InvitationsTab } from "../Invitations";
import { SurveyStatusBadge } from "../Surveys";
import { useConfirm } from "./dialog";
import { isMissingRoute, postText, readFile } from "./http";
import { useT } from "./messages";
import { SurveyTabs } from "./SurveyTabs";
import { InvitationTemplateEditor } from "./InvitationTemplateEditor";
import "../../styles/builder.css";

type Outcome =
  | { kind: "imported"; result: ImportResult; partial: boolean; file: string }
  | { kind: "rejected"; rejected: Rejected[]; valid: number; detail: string; file: string };

export function DistributionPage({ id }: { id: string }) {
  const t = useT();
  const { me } = useSession();
  const survey = useAsync((signal) => api<SurveyDetail>(`/api/surveys/${encodeURIComponent(id)}`, { signal }), [id]);
  const [listVersion, setListVersion] = useState(0);
  const s = survey.data;
  const writer = can(me, "invitations:write");
  return (
    <>
      <p class="crumbs">
        <Link to={`/surveys/${encodeURIComponent(id)}`}>← {t("b.backToSurvey")}</Link>
      </p>
      {survey.loading && !s && <Loading />}
      <ErrorAlert error={survey.error} onRetry={survey.reload} />
      {s && (
        <>
          <PageHeader
            title={t("dist.title", { title: s.title })}
            subtitle={
              <>
                <SurveyStatusBadge status={s.status} /> <code>{s.slug}</code>
              </>
            }
          />
          <SurveyTabs id={s.id} current="distribution" />
          <div class="stack">
            {s.status !== "published" && <p class="alert alert-warn">{t("dist.notPublished")}</p>}
            {writer && <CsvImport survey={s} onImported={() => setListVersion((v) => v + 1)} />}
            {writer && <InvitationTemplateEditor />}
            {writer && <Reminders survey={s} version={listVersion} onSent={() => setListVersion((v) => v + 1)} />}
            {writer && <StatusExport survey={s} />}
            <InvitationsTab survey={s} version={listVersion} onCreated={() => setListVersion((v) => v + 1)} />
          </div>
        </>
      )}
    </>
  );
}

/** Columns the server accepts for this survey. */
function allowedColumns(survey: SurveyDetail): string[] {
  return ["email", ...survey.draftDefinition.hiddenFields.map((h) => h.id), "valid_from", "valid_until"];
}

function quickLook(text: string): { rows: number; header: string[] } {
  const lines = text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== "");
  const header = (lines[0] ?? "").split(",").map((c) => c.replace(/^\uFEFF/, "").replace(/^"|"$/g, "").trim().toLowerCase());
  return { rows: Math.max(0, lines.length - 1), header };
}

function CsvImport({ survey, onImported }: { survey: SurveyDetail; onImported: () => void }) {
  const t = useT();
  const { num } = useI18n();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [partial, setPartial] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const allowed = allowedColumns(survey);
  const look = file ? quickLook(file.text) : null;
  const unknown = look ? look.header.filter((c) => c && !allowed.includes(c)) : [];

  async function run(asPartial: boolean) {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setOutcome(null);
    try {
      const result = await postText<ImportResult>(`/api/surveys/${encodeURIComponent(survey.id)}/invitations/import`, file.text, "text/csv", asPartial ? { partial: "true" } : undefined);
      setOutcome({ kind: "imported", result, partial: asPartial, file: file.name });
      onImported();
    } catch (e) {
      const problem = e instanceof ApiError ? (e.problem as ApiError["problem"] & { rejected?: Rejected[]; valid?: number }) : null;
      if (problem && Array.isArray(problem.rejected) && problem.rejected.length > 0) {
        setOutcome({ kind: "rejected", rejected: problem.rejected, valid: problem.valid ?? 0, detail: problem.detail, file: file.name });
      } else if (isMissingRoute(e)) {
        setError(new Error(t("dist.importUnsupported")));
      } else setError(e);
    } finally {
      setBusy(false);
    }
  }

  const sample = toCsv([allowed, ["kim@example.com", ...survey.draftDefinition.hiddenFields.map((h) => h.allowedValues?.[0] ?? ""), "", ""]]);

  return (
    <Card title={t("dist.importTitle")} id="csv-import">
      <p>{t("dist.importIntro")}</p>
      <p class="small">
        {t("dist.columns")} <code>{allowed.join(", ")}</code>{" "}
        <button type="button" class="btn btn-small btn-ghost" onClick={() => downloadText(`${survey.slug}-customer-list-template.csv`, sample)}>
          {t("dist.templateCsv")}
        </button>
      </p>
      <form
        class="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run(partial);
        }}
      >
        <div class="field">
          <label for="csv-file">{t("dist.file")}</label>
          <input
            id="csv-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="csv-file-hint"
            onChange={async (e) => {
              const picked = e.currentTarget.files?.[0];
              setOutcome(null);
              setError(undefined);
              setFile(picked ? { name: picked.name, text: await readFile(picked) } : null);
            }}
          />
          <p class="field-hint" id="csv-file-hint">
            {t("dist.fileHint")}
          </p>
        </div>
        {look && (
          <p class="small" data-testid="csv-preview">
            {t("dist.fileLook", { file: file!.name, rows: num(look.rows, 0), columns: look.header.join(", ") })}
            {unknown.length > 0 && (
              <>
                {" "}
                <Badge tone="warn">{t("dist.unknownColumns", { list: unknown.join(", ") })}</Badge>
              </>
            )}
          </p>
        )}
        <div class="field field-check">
          <input id="csv-partial" type="checkbox" checked={partial} onChange={(e) => setPartial(e.currentTarget.checked)} aria-describedby="csv-partial-hint" />
          <label for="csv-partial">{t("dist.partial")}</label>
          <p class="field-hint" id="csv-partial-hint">
            {t("dist.partialHint")}
          </p>
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={!file || busy} data-testid="csv-import-submit">
            {busy ? t("dist.importing") : t("dist.import")}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {outcome?.kind === "rejected" && (
        <div class="b-import-report" data-testid="import-report" role="alert">
          <p class="alert alert-error">
            <strong>{t("dist.nothingImported")}</strong> {t("dist.rejectedSummary", { rejected: num(outcome.rejected.length, 0), total: num(outcome.rejected.length + outcome.valid, 0) })}
          </p>
          {outcome.valid > 0 && (
            <p>
              <button type="button" class="btn" disabled={busy} onClick={() => void run(true)} data-testid="import-valid-only">
                {t("dist.importValidOnly", { n: num(outcome.valid, 0) })}
              </button>
            </p>
          )}
          <RejectedTable rows={outcome.rejected} />
        </div>
      )}
      {outcome?.kind === "imported" && <Imported outcome={outcome} survey={survey} />}
    </Card>
  );
}

function RejectedTable({ rows }: { rows: Rejected[] }) {
  const t = useT();
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, 50);
  return (
    <>
      <h3>{t("dist.rejectedRows", { n: rows.length })}</h3>
      <Table class="table-compact" testId="rejected-rows" columns={[{ label: t("dist.row") }, { label: t("dist.email") }, { label: t("dist.problems") }]}>
        {shown.map((r) => (
          <tr key={r.row}>
            <td class="num">{r.row}</td>
            <td class="break">{r.email ?? "—"}</td>
            <td>
              <ul class="compact-list">
                {r.errors.map((e, i) => (
                  <li key={i}>
                    <code>{e.field}</code> {e.message}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </Table>
      {rows.length > shown.length && (
        <button type="button" class="btn btn-small" onClick={() => setAll(true)}>
          {t("dist.showAllRejected", { n: rows.length })}
        </button>
      )}
      <button
        type="button"
        class="btn btn-small btn-ghost"
        onClick={() => downloadText("rejected-rows.csv", toCsv([["row", "email", "problems"], ...rows.map((r) => [r.row, r.email, r.errors.map((e) => `${e.field}: ${e.message}`).join("; ")])]))}
      >
        {t("dist.downloadRejected")}
      </button>
    </>
  );
}

function Imported({ outcome, survey }: { outcome: Extract<Outcome, { kind: "imported" }>; survey: SurveyDetail }) {
  const t = useT();
  const { num } = useI18n();
  const links = outcome.result.invitations;
  const download = () =>
    downloadText(
      `${survey.slug}-personal-links.csv`,
      toCsv([["row", "email", "url", "invitation_id", "valid_until"], ...links.map((l) => [l.row, l.email, l.url, l.id, l.validUntil ?? ""])]),
    );
  return (
    <div class="b-import-report" data-testid="import-result" role="status">
      <p class="alert alert-ok">
        {t("dist.accepted", { n: num(outcome.result.accepted, 0) })}
        {outcome.result.rejected.length > 0 && <> {t("dist.skipped", { n: num(outcome.result.rejected.length, 0) })}</>}
      </p>
      {links.length > 0 && (
        <>
          <p class="alert alert-warn">{t("dist.linksOnce")}</p>
          <p>
            <button type="button" class="btn btn-primary" onClick={download} data-testid="download-links">
              {t("dist.downloadLinks", { n: num(links.length, 0) })}
            </button>
          </p>
          <details>
            <summary>{t("dist.showLinks")}</summary>
            <Table class="table-compact" testId="import-links" columns={[{ label: t("dist.email") }, { label: t("dist.link") }]}>
              {links.slice(0, 20).map((l) => (
                <tr key={l.id}>
                  <td>{l.email}</td>
                  <td class="break">
                    <code>{l.url}</code>
                  </td>
                </tr>
              ))}
            </Table>
          </details>
        </>
      )}
      {outcome.result.rejected.length > 0 && <RejectedTable rows={outcome.result.rejected} />}
    </div>
  );
}

function Reminders({ survey, version, onSent }: { survey: SurveyDetail; version: number; onSent: () => void }) {
  const t = useT();
  const { me } = useSession();
  const [reissue, setReissue] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<ReminderResult | null>(null);
  const { num } = useI18n();
  const { confirm, element } = useConfirm();
  // Who would be e-mailed now: asked before the button is offered, and named in the confirmation.
  const preview = useAsync((signal) => api<ReminderPreview>(`/api/surveys/${encodeURIComponent(survey.id)}/invitations/remind`, { signal }), [survey.id, version]);
  if (!can(me, "invitations:write")) return null;
  const due = preview.data;
  const published = survey.status === "published";
  const blocked = !published ? null : !due ? null : due.invited === 0 ? t("dist.remindNoneSent") : due.recipients === 0 ? t("dist.remindNoneDue") : null;
  async function send() {
    setBusy(true);
    setError(undefined);
    setResult(null);
    try {
      setResult(await api<ReminderResult>(`/api/surveys/${encodeURIComponent(survey.id)}/invitations/remind`, { method: "POST", body: { reissueLinks: reissue } }));
      onSent();
    } catch (e) {
      setError(isMissingRoute(e) ? new Error(t("dist.remindUnsupported")) : e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card title={t("dist.remindTitle")} id="reminders">
      <p>{t("dist.remindIntro")}</p>
      <div class="field field-check">
        <input id="remind-reissue" type="checkbox" checked={reissue} onChange={(e) => setReissue(e.currentTarget.checked)} aria-describedby="remind-reissue-hint" />
        <label for="remind-reissue">{t("dist.reissue")}</label>
        <p class="field-hint" id="remind-reissue-hint">
          {t("dist.reissueHint")}
        </p>
      </div>
      <div class="form-actions">
        <button
          type="button"
          class="btn"
          data-testid="send-reminders"
          disabled={busy || !published || !due || blocked !== null}
          aria-describedby={blocked ? "remind-blocked" : undefined}
          onClick={() =>
            confirm({
              title: t("dist.remindConfirmTitle", { n: num(due!.recipients, 0) }),
              body: <p>{t("dist.remindConfirmBody", { n: num(due!.recipients, 0) })}</p>,
              confirmLabel: t("dist.remindConfirm", { n: num(due!.recipients, 0) }),
              onConfirm: () => void send(),
            })
          }
        >
          {busy ? t("dist.sending") : t("dist.sendReminders")}
        </button>
      </div>
      {blocked && (
        <p class="field-hint" id="remind-blocked" data-testid="remind-blocked">
          {blocked}
        </p>
      )}
      {element}
      <ErrorAlert error={error} />
      <ErrorAlert error={preview.error} onRetry={preview.reload} />
      {result && (
        <div role="status">
          <p class="alert alert-ok">{t("dist.reminded", { n: result.queued })}</p>
          {result.links.length > 0 && (
            <button
              type="button"
              class="btn btn-small"
              onClick={() => downloadText(`${survey.slug}-new-links.csv`, toCsv([["invitation_id", "email", "url"], ...result.links.map((l) => [l.invitationId, l.email, l.url])]))}
            >
              {t("dist.downloadNewLinks", { n: result.links.length })}
            </button>
          )}
        </div>
      )}
    </Card>
  );
}

function StatusExport({ survey }: { survey: SurveyDetail }) {
  const t = useT();
  return (
    <Card title={t("dist.statusTitle")}>
      <p>{t("dist.statusIntro")}</p>
      <a class="btn btn-small" href={`/api/surveys/${encodeURIComponent(survey.id)}/invitations/export.csv`} download>
        {t("dist.statusCsv")}
      </a>
    </Card>
  );
}
