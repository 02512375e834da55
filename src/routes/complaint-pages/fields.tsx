/** Parts shared by the complaint form and the status page: header, error summary, fields with label, hint, error and ARIA wiring. */
import type { ComplaintLanguage } from "../../domain/complaints/texts";

/** The page title with the link to the same page in the other language. */
export function PageHeader(props: { title: string; otherLanguage: ComplaintLanguage; otherLanguageHref: string; otherLanguageName: string }) {
  return (
    <header class="page-header">
      <h1>{props.title}</h1>
      <a class="lang-switch" lang={props.otherLanguage} href={props.otherLanguageHref}>
        {props.otherLanguageName}
      </a>
    </header>
  );
}

/** What to fix, each linked to its field when it has one; focusable so the page can jump to it. */
export function ErrorSummary(props: { title: string; items: { message: string; href?: string }[] }) {
  return props.items.length > 0 ? (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
      <h2 id="error-summary-title">{props.title}</h2>
      <ul>
        {props.items.map((item) => (
          <li>{item.href ? <a href={item.href}>{item.message}</a> : item.message}</li>
        ))}
      </ul>
    </div>
  ) : null;
}
export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p class="field-error" id={`${id}-error`}>
      {message}
    </p>
  ) : null;
}

export function describedBy(id: string, hint: boolean, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function TextField(props: { id: string; name: string; label: string; value: string; type?: "text" | "email" | "tel"; hint?: string; error?: string; autocomplete?: string; optional: string; maxLength?: number }) {
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <label for={props.id}>
        {props.label} <span class="optional">({props.optional})</span>
      </label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={props.id} message={props.error} />
      <input
        id={props.id}
        name={props.name}
        type={(props.type ?? "text") as "text"}
        value={props.value}
        {...({ autocomplete: props.autocomplete } as Record<string, string | undefined>)}
        maxLength={props.maxLength}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props.id, Boolean(props.hint), props.error)}
      />
    </div>
  );
}
