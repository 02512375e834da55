/**
 * A modal confirmation built on <dialog> (focus trap, Escape and the backdrop come from the
 * browser). Used for destructive steps in the builder and the admin pages; `confirmText` makes
 * the person type a value (e.g. the e-mail address whose data is deleted) before confirming.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { makeMessagesHook } from "../../lib/i18n";

// Own two strings, so the admin pages using this dialog do not load the builder's dictionary.
const useDialogMessages = makeMessagesHook(
  { "dlg.cancel": "Cancel", "dlg.typeToConfirm": "Type {text} to confirm" },
  { "dlg.cancel": "取消", "dlg.typeToConfirm": "输入 {text} 以确认" },
);
const useT = () => useDialogMessages().t;

export type ConfirmRequest = {
  title: string;
  body?: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  confirmText?: string;
  onConfirm: () => void | Promise<void>;
};

export function useConfirm() {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const element = request ? <ConfirmDialog request={request} onClose={() => setRequest(null)} /> : null;
  return { confirm: setRequest, element };
}

function ConfirmDialog({ request, onClose }: { request: ConfirmRequest; onClose: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const blocked = request.confirmText !== undefined && typed.trim() !== request.confirmText;
  return (
    <dialog ref={ref} class="b-dialog" aria-labelledby="b-dialog-title" onClose={onClose} onCancel={onClose} data-testid="confirm-dialog">
      <form
        method="dialog"
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (blocked || busy) return;
          setBusy(true);
          try {
            await request.onConfirm();
          } finally {
            setBusy(false);
            ref.current?.close();
          }
        }}
      >
        <h2 id="b-dialog-title">{request.title}</h2>
        {request.body && <div class="b-dialog-body">{request.body}</div>}
        {request.confirmText !== undefined && (
          <div class="field">
            <label for="b-dialog-typed">{t("dlg.typeToConfirm", { text: request.confirmText })}</label>
            <input id="b-dialog-typed" autocomplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
          </div>
        )}
        <div class="form-actions">
          <button type="submit" class={`btn ${request.danger ? "btn-danger-solid" : "btn-primary"}`} disabled={blocked || busy}>
            {request.confirmLabel}
          </button>
          <button type="button" class="btn" onClick={() => ref.current?.close()}>
            {t("dlg.cancel")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
