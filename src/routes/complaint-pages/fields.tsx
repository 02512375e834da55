/** Form fields shared by the complaint form and the status page: label, hint, error, ARIA wiring. */
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
