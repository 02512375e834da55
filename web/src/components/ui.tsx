import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { ApiError, errorMessage } from "../lib/api";
import { useI18n } from "../lib/i18n";

/** Page heading that takes focus after in-app navigation so screen readers announce the page. */
export function PageHeader({ title, children, subtitle }: { title: string; subtitle?: ComponentChildren; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Feedloop`;
  }, [title]);
  useLayoutEffect(() => {
    if (document.activeElement === document.body || document.activeElement?.closest("nav")) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <header class="page-header">
      <div>
        <h1 ref={ref} tabIndex={-1}>
          {title}
        </h1>
        {subtitle && <p class="page-subtitle">{subtitle}</p>}
      </div>
      {children && <div class="page-actions">{children}</div>}
    </header>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {label ?? t("common.loading")}
    </p>
  );
}

/** Shows a problem's `detail` (never HTML) in an alert region. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  return (
    <div class="alert alert-error" role="alert">
      <p>
        {problem && problem.title && problem.title !== problem.detail ? <strong>{problem.title}: </strong> : null}
        {errorMessage(error)}
      </p>
      {problem?.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.field + e.code}>
              <code>{e.field}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

/** What <Field> hands its control: the id its label points to and the hint/error wiring. */
export type FieldControlProps = { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean };

type FieldProps = {
  id: string;
  /** Text, or an element when part of it is the user's own content (marked data-content). */
  label: ComponentChildren;
  error?: string;
  hint?: string;
  children: (props: FieldControlProps) => ComponentChildren;
  class?: string;
};

/** Label, control, hint and field error wired together with ids. */
export function Field({ id, label, error, hint, children, class: className }: FieldProps) {
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " field-invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label for={id}>{label}</label>
      {children({ id, "aria-describedby": described, "aria-invalid": error ? true : undefined })}
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export type SelectOption = { value: string; label: ComponentChildren };

type SelectControlProps = {
  id?: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
  value: string;
  options: readonly SelectOption[];
  onChange: (value: string) => void;
  /** Text of a first option with the empty value ("choose…", "—"); none when absent. */
  empty?: string;
  disabled?: boolean;
};

/** A bare <select> over a list of options (for a label and error wired by <Field>). */
export function SelectControl({ value, options, onChange, empty, ...rest }: SelectControlProps) {
  return (
    <select {...rest} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
      {empty !== undefined && <option value="">{empty}</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** A labelled select with its hint and field error: <Field> around <SelectControl>. */
export function Select({ id, label, error, hint, class: className, ...control }: { id: string; label: ComponentChildren; error?: string; hint?: string; class?: string } & Omit<SelectControlProps, "id">) {
  return (
    <Field id={id} label={label} error={error} hint={hint} class={className}>
      {(props) => <SelectControl {...props} {...control} />}
    </Field>
  );
}

export type TableColumn = {
  label: ComponentChildren;
  /** Numbers: right-aligned, tabular figures. */
  num?: boolean;
  /** A heading screen readers announce but the layout does not show (e.g. a row's action buttons). */
  hiddenLabel?: boolean;
  /** The heading is the user's own content (a hidden field's label): kept out of translation checks. */
  content?: boolean;
  class?: string;
};

/**
 * A data table in its horizontal scroll box: a caption (visually hidden unless given another class), one
 * header row of column headings, the body rows as children and totals rows as `foot`. `focusable` lets
 * keyboard users scroll a wide table (a scrollable region must be reachable).
 */
export function Table({
  caption,
  captionClass = "visually-hidden",
  columns,
  class: className,
  testId,
  focusable = false,
  foot,
  children,
}: {
  caption?: ComponentChildren;
  captionClass?: string;
  /** Headings in order; a `false` entry is a column this reader does not get. */
  columns: readonly (TableColumn | false)[];
  class?: string;
  testId?: string;
  focusable?: boolean;
  /** Rows of a <tfoot> (totals). */
  foot?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap" tabIndex={focusable ? 0 : undefined}>
      <table class={`table${className ? ` ${className}` : ""}`} data-testid={testId}>
        {caption !== undefined && <caption class={captionClass || undefined}>{caption}</caption>}
        <thead>
          <tr>
            {columns.map(
              (column, index) =>
                column && (
                  <th key={index} scope="col" class={[column.num ? "num" : "", column.class ?? ""].filter(Boolean).join(" ") || undefined} data-content={column.content || undefined}>
                    {column.hiddenLabel ? <span class="visually-hidden">{column.label}</span> : column.label}
                  </th>
                ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
        {foot !== undefined && <tfoot>{foot}</tfoot>}
      </table>
    </div>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav class="pager" aria-label={t("common.pagination")}>
      <button type="button" class="btn btn-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("common.previous")}
      </button>
      <span aria-live="polite">{t("common.pageOf", { page, pages, total })}</span>
      <button type="button" class="btn btn-small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t("common.next")}
      </button>
    </nav>
  );
}

/** A side drawer built on <dialog>: modal focus handling and Escape come from the browser. */
export function Drawer({ open, title, onClose, children }: { open: boolean; title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} class="drawer" aria-labelledby="drawer-title" onClose={onClose} onCancel={onClose}>
      <div class="drawer-head">
        <h2 id="drawer-title">{title}</h2>
        <button type="button" class="btn btn-small" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
      <div class="drawer-body">{open && children}</div>
    </dialog>
  );
}

export function Badge({ tone, children }: { tone: "ok" | "warn" | "bad" | "info" | "muted"; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function Card({ title, children, class: className, id, headingLevel = 2, actions }: { title?: string; children: ComponentChildren; class?: string; id?: string; headingLevel?: 2 | 3; actions?: ComponentChildren }) {
  const Heading = (headingLevel === 2 ? "h2" : "h3") as "h2";
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section class={`card${className ? ` ${className}` : ""}`} id={id} aria-labelledby={title ? headingId : undefined}>
      {(title || actions) && (
        <div class="card-head">
          {title && <Heading id={headingId}>{title}</Heading>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}
