import { useEffect, useRef } from "preact/hooks";
import { useI18n } from "../../lib/i18n";
import { Badge } from "../../components/ui";
import { useCT, useLabel, type CKey } from "./messages";
import type { ComplaintState, Priority } from "./types";

/** "in 3 hours" / "2 days ago" in the UI language. */
export function useRelative() {
  const { lang } = useI18n();
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  return (iso: string, now = Date.now()) => {
    const diff = (new Date(iso).getTime() - now) / 1000;
    const abs = Math.abs(diff);
    if (abs < 60) return rtf.format(Math.round(diff), "second");
    if (abs < 3600) return rtf.format(Math.round(diff / 60), "minute");
    if (abs < 86_400) return rtf.format(Math.round(diff / 3600), "hour");
    return rtf.format(Math.round(diff / 86_400), "day");
  };
}

const STATE_TONE: Record<ComplaintState, "ok" | "warn" | "bad" | "info" | "muted"> = {
  received: "bad",
  acknowledged: "info",
  assessed: "info",
  investigating: "info",
  waiting_on_customer: "muted",
  responded: "warn",
  closed: "ok",
  reopened: "bad",
};
const PRIORITY_TONE: Record<Priority, "ok" | "warn" | "bad" | "info" | "muted"> = { urgent: "bad", high: "warn", normal: "info", low: "muted" };

export function StateBadge({ state }: { state: ComplaintState }) {
  const label = useLabel();
  return <Badge tone={STATE_TONE[state] ?? "info"}>{label("state", state)}</Badge>;
}
export function PriorityBadge({ priority }: { priority: Priority }) {
  const label = useLabel();
  return <Badge tone={PRIORITY_TONE[priority] ?? "info"}>{label("priority", priority)}</Badge>;
}
export function OverdueBadge() {
  const ct = useCT();
  return (
    <span class="badge badge-overdue" data-testid="overdue-badge">
      {ct("queue.overdue")}
    </span>
  );
}

/**
 * Single-key shortcuts. Ignored while typing in a field, with modifier keys, or when a modal
 * dialog other than ours is open.
 */
export function useShortcuts(handlers: Record<string, (event: KeyboardEvent) => void>) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (document.querySelector("dialog[open]:not(.shortcut-help)")) return;
      const handler = ref.current[event.key];
      if (handler) {
        event.preventDefault();
        handler(event);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}

const QUEUE_KEYS: [string, CKey][] = [
  ["j / k", "keys.jk"],
  ["Enter", "keys.enter"],
  ["x", "keys.x"],
  ["/", "keys.slash"],
  ["?", "keys.help"],
];
const COMPLAINT_KEYS: [string, CKey][] = [
  ["j / k", "keys.jk"],
  ["a", "keys.a"],
  ["r", "keys.r"],
  ["n", "keys.n"],
  ["m", "keys.m"],
  ["u", "keys.u"],
  ["Ctrl + Enter", "keys.ctrlEnter"],
  ["?", "keys.help"],
];

export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ct = useCT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const list = (keys: [string, CKey][]) => (
    <dl class="shortcut-list">
      {keys.map(([k, label]) => (
        <div key={k}>
          <dt>
            <kbd>{k}</kbd>
          </dt>
          <dd>{ct(label)}</dd>
        </div>
      ))}
    </dl>
  );
  return (
    <dialog ref={ref} class="shortcut-help" aria-labelledby="shortcut-title" onClose={onClose} onCancel={onClose}>
      <h2 id="shortcut-title">{ct("keys.title")}</h2>
      <h3>{ct("keys.queue")}</h3>
      {list(QUEUE_KEYS)}
      <h3>{ct("keys.complaint")}</h3>
      {list(COMPLAINT_KEYS)}
      <button type="button" class="btn" onClick={onClose}>
        {ct("keys.close")}
      </button>
    </dialog>
  );
}
