/**
 * Saved views of the queue (issue 17): apply one (it becomes the queue's address), save the current
 * filters under a name — for yourself or shared with the desk — and delete your own.
 */
import { useState } from "preact/hooks";
import type { QueueFilters } from "../../../../src/domain/complaints/queue-filters";
import type { SavedView } from "../../../../src/contracts/saved-views";
import { api } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { href, navigate } from "../../lib/router";
import { ErrorAlert, Field } from "../../components/ui";
import { useCT } from "./messages";

/** The queue's address for a view's filters. */
function queueAddress(filters: QueueFilters): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const qs = query.toString();
  return href(`/complaints${qs ? `?${qs}` : ""}`);
}

export function SavedViews({ current }: { current: QueueFilters }) {
  const ct = useCT();
  const [version, setVersion] = useState(0);
  const views = useAsync(() => api<{ items: SavedView[] }>("/api/complaint-views"), [version]);
  const [name, setName] = useState("");
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState("");
  const items = views.data?.items ?? [];

  async function save(event: Event) {
    event.preventDefault();
    setError(undefined);
    try {
      const view = await api<SavedView>("/api/complaint-views", { body: { name: name.trim(), filters: current, shared } });
      setNotice(ct("views.saved", { name: view.name }));
      setName("");
      setShared(false);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e);
    }
  }

  async function remove(view: SavedView) {
    setError(undefined);
    try {
      await api(`/api/complaint-views/${encodeURIComponent(view.id)}`, { method: "DELETE" });
      setNotice(ct("views.deleted", { name: view.name }));
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section class="card saved-views" aria-labelledby="saved-views-title">
      <h2 id="saved-views-title">{ct("views.title")}</h2>
      <ErrorAlert error={error ?? views.error} />
      <p role="status" class="small">
        {notice}
      </p>
      {items.length === 0 ? (
        <p class="muted small">{ct("views.none")}</p>
      ) : (
        <ul class="saved-view-list">
          {items.map((view) => (
            <li key={view.id}>
              <a href={queueAddress(view.filters)} onClick={(e) => (e.preventDefault(), navigate(queueAddress(view.filters)))}>
                {view.name}
              </a>
              {view.shared && <span class="muted small"> · {ct(view.mine ? "views.sharedByMe" : "views.sharedWithMe")}</span>}
              {view.mine && (
                <button type="button" class="btn btn-small" aria-label={ct("views.deleteNamed", { name: view.name })} onClick={() => void remove(view)}>
                  {ct("views.delete")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form class="saved-view-form" onSubmit={save}>
        <Field id="view-name" label={ct("views.name")} hint={ct("views.nameHint")}>
          {(p) => <input {...p} value={name} maxLength={80} required onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <div class="field field-check">
          <input id="view-shared" type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
          <label for="view-shared">{ct("views.share")}</label>
        </div>
        <button type="submit" class="btn" disabled={!name.trim()}>
          {ct("views.save")}
        </button>
      </form>
    </section>
  );
}
