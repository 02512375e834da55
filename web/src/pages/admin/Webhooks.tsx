/** Webhook endpoints: create (secret shown once), enable/disable, rotate, test send, delivery log. */
import { useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { Badge, Card, Drawer, ErrorAlert, Field, Loading, Pager, Table } from "../../components/ui";
import { useConfirm } from "../builder/dialog";
import { isMissingRoute } from "../builder/http";
import { useT, type AKey } from "./messages";
import { WEBHOOK_EVENT_TYPES as EVENTS } from "../../../../src/domain/webhook-events";
import type { WebhookDeliveryPage, WebhookEndpoint as Endpoint, WebhookTestResult } from "../../../../src/contracts/webhooks";


export function WebhooksSection() {
  const t = useT();
  const { date } = useI18n();
  const list = useAsync((signal) => api<{ items: Endpoint[] }>("/api/webhooks", { signal }), []);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [log, setLog] = useState<Endpoint | null>(null);
  const { confirm, element } = useConfirm();

  async function patch(endpoint: Endpoint, body: Record<string, unknown>) {
    setError(undefined);
    setNotice(undefined);
    try {
      const updated = await api<Endpoint>(`/api/webhooks/${encodeURIComponent(endpoint.id)}`, { method: "PATCH", body });
      if (body.rotateSecret) setSecret({ url: updated.url, secret: updated.secret });
    } catch (e) {
      setError(e);
    } finally {
      list.reload();
    }
  }

  async function test(endpoint: Endpoint) {
    setError(undefined);
    setNotice(undefined);
    try {
      const result = await api<WebhookTestResult>(`/api/webhooks/${encodeURIComponent(endpoint.id)}/test`, { method: "POST", body: {} });
      setNotice(t(result.accepted ? "w.testSent" : "w.testRefused", { status: result.statusCode, ms: result.latencyMs }));
    } catch (e) {
      setError(isMissingRoute(e) ? new Error(t("w.testUnsupported")) : e);
    }
  }

  if (list.error && isMissingRoute(list.error)) return <p class="alert alert-warn">{t("admin.unsupported")}</p>;

  return (
    <div class="stack">
      <p>{t("w.intro")}</p>
      {secret && (
        <div class="alert alert-warn" role="status" data-testid="webhook-secret">
          <p>{t("w.secretOnce", { url: secret.url })}</p>
          <p class="a-secret">
            <code>{secret.secret}</code>{" "}
            <button type="button" class="btn btn-small" onClick={() => void navigator.clipboard?.writeText(secret.secret)}>
              {t("w.copy")}
            </button>
          </p>
        </div>
      )}
      <CreateEndpoint
        onCreated={(created) => {
          setSecret({ url: created.url, secret: created.secret });
          list.reload();
        }}
      />
      <Card title={t("w.list")}>
        <ErrorAlert error={list.error} onRetry={list.reload} />
        <ErrorAlert error={error} />
        {notice && (
          <p class="alert alert-ok" role="status">
            {notice}
          </p>
        )}
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.items.length === 0 && <p class="muted">{t("w.none")}</p>}
        {list.data && list.data.items.length > 0 && (
          <ul class="a-endpoints">
            {list.data.items.map((ep) => (
              <li key={ep.id} class="a-endpoint">
                <div class="a-endpoint-head">
                  <code class="break">{ep.url}</code> {ep.active ? <Badge tone="ok">{t("w.active")}</Badge> : <Badge tone="muted">{t("w.disabled")}</Badge>}
                </div>
                {ep.description && <p class="small">{ep.description}</p>}
                <p class="small muted">
                  {ep.events.map((e) => (EVENTS as readonly string[]).includes(e) ? t(`w.event.${e}` as AKey) : e).join(" · ")} · {t("w.secret")} <code>{ep.secret}</code> · {date(ep.createdAt)}
                </p>
                <div class="btn-row">
                  <button type="button" class="btn btn-small" onClick={() => setLog(ep)}>
                    {t("w.deliveries")}
                  </button>
                  <button type="button" class="btn btn-small" disabled={!ep.active} onClick={() => void test(ep)}>
                    {t("w.test")}
                  </button>
                  <button type="button" class="btn btn-small" onClick={() => void patch(ep, { active: !ep.active })}>
                    {ep.active ? t("w.disable") : t("w.enable")}
                  </button>
                  <button
                    type="button"
                    class="btn btn-small"
                    onClick={() => confirm({ title: t("w.rotateTitle"), body: <p>{t("w.rotateBody")}</p>, confirmLabel: t("w.rotate"), onConfirm: () => patch(ep, { rotateSecret: true }) })}
                  >
                    {t("w.rotate")}
                  </button>
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    onClick={() =>
                      confirm({
                        title: t("w.deleteTitle", { url: ep.url }),
                        body: <p>{t("w.deleteBody")}</p>,
                        confirmLabel: t("w.delete"),
                        danger: true,
                        onConfirm: async () => {
                          try {
                            await api(`/api/webhooks/${encodeURIComponent(ep.id)}`, { method: "DELETE" });
                          } catch (e) {
                            setError(e);
                          } finally {
                            list.reload();
                          }
                        },
                      })
                    }
                  >
                    {t("w.delete")}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Drawer open={!!log} title={log ? t("w.deliveriesOf", { url: log.url }) : ""} onClose={() => setLog(null)}>
        {log && <Deliveries endpoint={log} />}
      </Drawer>
      {element}
    </div>
  );
}

function CreateEndpoint({ onCreated }: { onCreated: (e: Endpoint) => void }) {
  const t = useT();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>(["response.completed"]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const serverError = (name: string) => (error instanceof ApiError ? error.fieldError(name) : undefined);

  async function submit(e: Event) {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!/^https?:\/\/\S+$/i.test(url.trim())) errors.url = t("w.urlInvalid");
    if (events.length === 0) errors.events = t("w.eventsRequired");
    setLocal(errors);
    if (Object.keys(errors).length) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<Endpoint>("/api/webhooks", { method: "POST", body: { url: url.trim(), events, description: description.trim() || null } });
      setUrl("");
      setDescription("");
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t("w.create")}>
      <form class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <div class="form-grid">
          <Field id="wh-url" label={t("w.url")} error={local.url ?? serverError("url")}>
            {(p) => <input {...p} type="url" inputMode="url" autocomplete="off" placeholder="https://" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />}
          </Field>
          <Field id="wh-desc" label={t("w.description")} error={serverError("description")}>
            {(p) => <input {...p} maxLength={500} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
          </Field>
        </div>
        <fieldset class={local.events ? "field-invalid" : undefined}>
          <legend>{t("w.events")}</legend>
          <div class="btn-row">
            {EVENTS.map((ev) => (
              <label key={ev} class="inline-field">
                <input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))} />
                {t(`w.event.${ev}` as AKey)} <code class="small">{ev}</code>
              </label>
            ))}
          </div>
          {(local.events ?? serverError("events")) && <p class="field-error">{local.events ?? serverError("events")}</p>}
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t("w.add")}
          </button>
        </div>
      </form>
    </Card>
  );
}

function Deliveries({ endpoint }: { endpoint: Endpoint }) {
  const t = useT();
  const { date } = useI18n();
  const [page, setPage] = useState(1);
  const list = useAsync(
    (signal) => api<WebhookDeliveryPage>(`/api/webhooks/${encodeURIComponent(endpoint.id)}/deliveries`, { query: { page, pageSize: 25 }, signal }),
    [endpoint.id, page],
  );
  return (
    <>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.total === 0 && <p class="muted">{t("w.noDeliveries")}</p>}
      {list.data && list.data.total > 0 && (
        <>
          <Table class="table-compact" columns={[{ label: t("w.at") }, { label: t("w.attempt") }, { label: t("w.status") }, { label: t("w.error") }, { label: t("w.duration"), num: true }]}>
            {list.data.items.map((d) => (
              <tr key={d.id}>
                <td>{date(d.at, true)}</td>
                <td class="num">{d.test ? <Badge tone="info">{t("w.testAttempt")}</Badge> : d.attempt}</td>
                <td>{d.statusCode === null ? "—" : <Badge tone={d.statusCode >= 200 && d.statusCode < 300 ? "ok" : "bad"}>{d.statusCode}</Badge>}</td>
                <td class="break small">{d.error ?? ""}</td>
                <td class="num">{d.durationMs} ms</td>
              </tr>
            ))}
          </Table>
          <Pager page={page} pageSize={25} total={list.data.total} onPage={setPage} />
        </>
      )}
    </>
  );
}
