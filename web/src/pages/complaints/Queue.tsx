import "../../styles/complaints.css";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { href, Link, navigate, setQuery, useLocation } from "../../lib/router";
import { can, useSession } from "../../lib/session";
import { ErrorAlert, Field, Loading, PageHeader, Pager, Select, Table } from "../../components/ui";
import { BulkActions, SelectBox } from "./BulkActions";
import { useCT, useLabel } from "./messages";
import { SavedViews } from "./SavedViews";
import type { QueueFilters } from "../../../../src/domain/complaints/queue-filters";
import { OverdueBadge, PriorityBadge, ShortcutHelp, StateBadge, useRelative, useShortcuts } from "./shared";
import { OPEN_STATES, PRIORITIES, rememberQueue, STATES, type ComplaintConfig, type ComplaintList, type Member, type Team } from "./types";

const PAGE_SIZE = 25;

/** Members, teams and categories used by the desk's pickers (cached for the session). */
let refCache: Promise<{ members: Member[]; teams: Team[]; categories: string[] }> | undefined;
export function loadReferenceData() {
  refCache ??= Promise.all([
    api<{ items: Member[] }>("/api/organisation/members").then((r) => r.items, () => [] as Member[]),
    api<{ items: Team[] }>("/api/complaint-teams").then((r) => r.items, () => [] as Team[]),
    api<ComplaintConfig>("/api/complaint-config").then((r) => r.categories, () => [] as string[]),
  ]).then(([members, teams, categories]) => {
    // Team members are staff too, even when the member list is not readable.
    const known = new Map(members.map((m) => [m.userId, m]));
    for (const team of teams) for (const m of team.members) if (!known.has(m.userId)) known.set(m.userId, { id: m.userId, userId: m.userId, name: m.name, email: m.email, role: "staff" });
    return { members: [...known.values()].sort((a, b) => a.name.localeCompare(b.name)), teams, categories };
  });
  refCache.catch(() => (refCache = undefined));
  return refCache;
}

/** The filters in the queue's address, as a saved view keeps them (no page: a view starts at page 1). */
function savedViewFilters(query: URLSearchParams): QueueFilters {
  const filters: QueueFilters = {};
  for (const key of ["status", "priority", "team", "owner", "category", "overdue", "q"] as const) {
    const value = query.get(key);
    if (value) Object.assign(filters, { [key]: value });
  }
  return filters;
}

export function ComplaintQueuePage() {
  const ct = useCT();
  const label = useLabel();
  const { t, date } = useI18n();
  const { me } = useSession();
  const rel = useRelative();
  const { query } = useLocation();
  const status = query.get("status") ?? "open";
  const filters = {
    status,
    priority: query.get("priority") ?? "",
    team: query.get("team") ?? "",
    owner: query.get("owner") ?? "",
    category: query.get("category") ?? "",
    overdue: query.get("overdue") === "true",
    q: query.get("q") ?? "",
  };
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const apiStatus = status === "open" ? OPEN_STATES.join(",") : status === "all" ? undefined : status;
  const key = JSON.stringify([filters, page]);
  const list = useAsync(
    (signal) =>
      api<ComplaintList>("/api/complaints", {
        query: {
          status: apiStatus,
          priority: filters.priority || undefined,
          team: filters.team || undefined,
          owner: filters.owner || undefined,
          category: filters.category || undefined,
          overdue: filters.overdue ? "true" : undefined,
          q: filters.q || undefined,
          page,
          pageSize: PAGE_SIZE,
        },
        signal,
      }),
    [key],
  );
  const ref = useAsync(() => loadReferenceData(), []);
  const memberName = (id: string | null) => (id ? ref.data?.members.find((m) => m.userId === id)?.name ?? id : null);
  const teamName = (id: string | null) => (id ? ref.data?.teams.find((x) => x.id === id)?.name ?? id : null);

  const [selected, setSelected] = useState(0);
  /** Complaints ticked for a bulk change (this page only: a new page or filter starts afresh). */
  const [ticked, setTicked] = useState<string[]>([]);
  const toggle = (id: string, on: boolean) => setTicked((current) => (on ? [...new Set([...current, id])] : current.filter((x) => x !== id)));
  const [help, setHelp] = useState(false);
  const [q, setQ] = useState(filters.q);
  const searchRef = useRef<HTMLInputElement>(null);
  const items = list.data?.items ?? [];
  useEffect(() => {
    setSelected(0);
    setTicked([]);
    if (list.data) rememberQueue(list.data.items.map((c) => c.id), location.search);
  }, [list.data]);
  useEffect(() => setQ(filters.q), [filters.q]);

  const move = (delta: number) => {
    if (!items.length) return;
    const next = Math.min(items.length - 1, Math.max(0, selected + delta));
    setSelected(next);
    document.querySelector<HTMLAnchorElement>(`tr[data-complaint-id="${CSS.escape(items[next]!.id)}"] a`)?.focus();
  };
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    Enter: () => items[selected] && navigate(href(`/complaints/${encodeURIComponent(items[selected]!.id)}`)),
    x: () => items[selected] && toggle(items[selected]!.id, !ticked.includes(items[selected]!.id)),
    "/": () => searchRef.current?.focus(),
    "?": () => setHelp((h) => !h),
  });

  const set = (params: Record<string, string | undefined>) => setQuery({ ...params, page: undefined });
  const counts = list.data?.counts ?? {};

  return (
    <>
      <PageHeader title={ct("queue.title")} subtitle={ct("queue.subtitle")}>
        {can(me, "complaints:templates") && (
          <Link to="/complaints/replies" class="btn btn-small">
            {ct("replies.link")}
          </Link>
        )}
        <button type="button" class="btn btn-small" onClick={() => setHelp(true)} aria-keyshortcuts="?">
          ? {ct("keys.title")}
        </button>
      </PageHeader>
      <nav class="count-chips" aria-label={ct("queue.counts")}>
        <ul>
          <li>
            <button type="button" class={`chip${filters.overdue ? " chip-active" : ""} chip-overdue`} aria-pressed={filters.overdue} onClick={() => set({ overdue: filters.overdue ? undefined : "true" })}>
              {ct("queue.overdue")} <strong data-testid="count-overdue">{counts.overdue ?? 0}</strong>
            </button>
          </li>
          {STATES.map((s) => (
            <li key={s}>
              <button type="button" class={`chip${status === s ? " chip-active" : ""}`} aria-pressed={status === s} onClick={() => set({ status: status === s ? undefined : s })}>
                {label("state", s)} <strong data-testid={`count-${s}`}>{counts[s] ?? 0}</strong>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <form
        class="card filters"
        aria-label={ct("queue.filters")}
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: q.trim() || undefined });
        }}
      >
        <Field id="cq-search" label={ct("queue.search")} hint={ct("queue.searchHint")}>
          {(p) => <input {...p} ref={searchRef} type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} aria-keyshortcuts="/" />}
        </Field>
        <Select
          id="cq-status"
          label={ct("queue.status")}
          value={status}
          onChange={(value) => set({ status: value === "open" ? undefined : value })}
          options={[{ value: "open", label: ct("queue.status.open") }, { value: "all", label: ct("queue.status.all") }, ...STATES.map((s) => ({ value: s, label: label("state", s) }))]}
        />
        <Select
          id="cq-priority"
          label={ct("queue.priority")}
          value={filters.priority}
          onChange={(value) => set({ priority: value || undefined })}
          empty={t("common.all")}
          options={PRIORITIES.map((x) => ({ value: x, label: label("priority", x) }))}
        />
        <Select
          id="cq-team"
          label={ct("queue.team")}
          value={filters.team}
          onChange={(value) => set({ team: value || undefined })}
          empty={t("common.all")}
          options={[{ value: "none", label: ct("queue.noTeam") }, ...(ref.data?.teams ?? []).map((x) => ({ value: x.id, label: x.name }))]}
        />
        <Select
          id="cq-owner"
          label={ct("queue.owner")}
          value={filters.owner}
          onChange={(value) => set({ owner: value || undefined })}
          empty={t("common.all")}
          options={[
            ...(me?.user.kind === "user" ? [{ value: "me", label: ct("queue.owner.me") }] : []),
            { value: "none", label: ct("queue.owner.none") },
            ...(ref.data?.members ?? []).map((m) => ({ value: m.userId, label: m.name })),
          ]}
        />
        <Select
          id="cq-category"
          label={ct("queue.category")}
          value={filters.category}
          onChange={(value) => set({ category: value || undefined })}
          empty={t("common.all")}
          options={(ref.data?.categories ?? []).map((c) => ({ value: c, label: label("category", c) }))}
        />
        <div class="field field-check">
          <input id="cq-overdue" type="checkbox" checked={filters.overdue} onChange={(e) => set({ overdue: e.currentTarget.checked ? "true" : undefined })} />
          <label for="cq-overdue">{ct("queue.overdueOnly")}</label>
        </div>
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary">
            {ct("queue.search")}
          </button>
          <button
            type="button"
            class="btn"
            onClick={() => {
              setQ("");
              setQuery({ status: undefined, priority: undefined, team: undefined, owner: undefined, category: undefined, overdue: undefined, q: undefined, page: undefined });
            }}
          >
            {t("common.reset")}
          </button>
        </div>
      </form>
      <SavedViews current={savedViewFilters(query)} />
      <p class="muted small">{ct("queue.shortcutsHint")}</p>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.total === 0 && <p class="empty">{ct("queue.empty")}</p>}
      {list.data && items.length > 0 && (
        <section class="card" aria-label={ct("queue.total", { n: list.data.total })}>
          <p class="small muted" aria-live="polite">
            {ct("queue.total", { n: list.data.total })}
          </p>
          <Table
            class="queue-table"
            testId="complaint-queue"
            columns={[
              {
                class: "select-cell",
                label: (
                  <SelectBox
                    id="cq-select-page"
                    label={ct("bulk.selectPage")}
                    checked={ticked.length > 0 && ticked.length === items.length}
                    mixed={ticked.length > 0 && ticked.length < items.length}
                    onChange={(on) => setTicked(on ? items.map((c) => c.id) : [])}
                  />
                ),
              },
              { label: ct("queue.col.ref") },
              { label: ct("queue.col.subject") },
              { label: ct("queue.col.state") },
              { label: ct("queue.col.priority") },
              { label: ct("queue.col.due") },
              { label: ct("queue.col.owner") },
              { label: ct("queue.col.category") },
              { label: ct("queue.col.received") },
            ]}
          >
            {items.map((c, i) => (
              <tr key={c.id} class={`${i === selected ? "row-selected" : ""}${c.overdue ? " row-overdue" : ""}`} aria-selected={i === selected} data-complaint-id={c.id}>
                <td class="select-cell">
                  <SelectBox id={`cq-select-${c.id}`} label={ct("bulk.select", { reference: c.reference })} checked={ticked.includes(c.id)} onChange={(on) => toggle(c.id, on)} />
                </td>
                <th scope="row">
                  <Link
                    to={`/complaints/${encodeURIComponent(c.id)}`}
                    class="ref-link"
                    onClick={() => setSelected(i)}
                    aria-label={`${c.reference}: ${c.subject}`}
                  >
                    {c.reference}
                  </Link>
                </th>
                <td class="subject-cell">
                  {c.subject}
                  <div class="muted small">
                    {c.anonymous ? ct("queue.anonymous") : c.contactName ?? ""} {c.source ? `· ${label("source", c.source)}` : ""}
                  </div>
                </td>
                <td>
                  <StateBadge state={c.state} />
                </td>
                <td>
                  <PriorityBadge priority={c.priority} />
                </td>
                <td class="due-cell">
                  {c.overdue && <OverdueBadge />}{" "}
                  {c.nextDueAt ? (
                    <time dateTime={c.nextDueAt} title={date(c.nextDueAt, true)}>
                      {c.overdue ? ct("due.overdue", { rel: rel(c.nextDueAt) }) : ct("due.in", { rel: rel(c.nextDueAt) })}
                    </time>
                  ) : (
                    ct("due.none")
                  )}
                  {c.slaPaused && <span class="muted small"> ({ct("queue.paused")})</span>}
                </td>
                <td>
                  {memberName(c.assigneeId) ?? <span class="muted">{t("common.unassigned")}</span>}
                  {c.teamId && <div class="muted small">{teamName(c.teamId)}</div>}
                </td>
                <td>{label("category", c.category)}</td>
                <td>{date(c.receivedAt, true)}</td>
              </tr>
            ))}
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => setQuery({ page: p === 1 ? undefined : p }, { replace: false })} />
        </section>
      )}
      {list.data && items.length > 0 && (
        <BulkActions items={items} selected={ticked} members={ref.data?.members ?? []} onClear={() => setTicked([])} onDone={list.reload} />
      )}
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
    </>
  );
}
