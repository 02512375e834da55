/**
 * Form controls of the builder. Every control is addressed by its path in the definition
 * (`pages.0.items.2.label`): that path is its element id (`fld-…`), and validation errors — from
 * the server's 422 `errors[].field` or from the lazily loaded schema — are looked up by it, so
 * each message appears next to the control it is about.
 */
import type { ComponentChildren } from "preact";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { Badge } from "../../components/ui";
import { useT } from "./messages";
import type { FieldErrors, LocalizedText, Path } from "./model";
import { pathString, setText } from "./model";

export type BuilderCtx = {
  errors: FieldErrors;
  languages: string[];
  defaultLanguage: string;
  readOnly: boolean;
};
export const BuilderContext = createContext<BuilderCtx>({ errors: new Map(), languages: ["zh-CN", "en"], defaultLanguage: "zh-CN", readOnly: false });
export const useBuilder = () => useContext(BuilderContext);

export const fieldId = (path: Path | string) => `fld-${typeof path === "string" ? path : pathString(path)}`;

export function errorsAt(errors: FieldErrors, path: Path | string): string[] {
  return errors.get(typeof path === "string" ? path : pathString(path)) ?? [];
}

/** Errors for a container (page, question, option) that no individual control shows. */
export function ErrorList({ path, extra = [] }: { path: Path; extra?: string[] }) {
  const { errors } = useBuilder();
  const base = pathString(path);
  const messages = [...errorsAt(errors, base), ...extra.flatMap((suffix) => errorsAt(errors, `${base}.${suffix}`))];
  if (!messages.length) return null;
  return (
    <ul class="b-errors" id={`${fieldId(path)}-errors`}>
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

function FieldMessages({ id, messages, hint }: { id: string; messages: string[]; hint?: string }) {
  return (
    <>
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {messages.map((m) => (
        <p key={m} class="field-error" id={`${id}-error`}>
          {m}
        </p>
      ))}
    </>
  );
}

function describedBy(id: string, hint: string | undefined, messages: string[]) {
  return [hint ? `${id}-hint` : "", messages.length ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
}

type Common = { path: Path; label: string; hint?: string; class?: string; extraErrors?: string[] };

export function TextField({ path, label, hint, value, onChange, maxLength, multiline, placeholder, class: cls, extraErrors = [], mono }: Common & { value: string | undefined; onChange: (v: string) => void; maxLength?: number; multiline?: boolean; placeholder?: string; mono?: boolean }) {
  const { errors, readOnly } = useBuilder();
  const id = fieldId(path);
  const messages = [...errorsAt(errors, path), ...extraErrors];
  const props = {
    id,
    value: value ?? "",
    maxLength,
    placeholder,
    readOnly,
    class: mono ? "mono" : undefined,
    "aria-invalid": messages.length ? true : undefined,
    "aria-describedby": describedBy(id, hint, messages),
    onInput: (e: Event) => onChange((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field${messages.length ? " field-invalid" : ""}${cls ? ` ${cls}` : ""}`}>
      <label for={id}>{label}</label>
      {multiline ? <textarea {...props} rows={2} /> : <input {...props} autocomplete="off" spellcheck={!mono} />}
      <FieldMessages id={id} messages={messages} hint={hint} />
    </div>
  );
}

/** A number input that reports `undefined` for an empty box (the schema then says what is missing). */
export function NumberField({ path, label, hint, value, onChange, min, max, step, class: cls, disabled }: Common & { value: number | undefined; onChange: (v: number | undefined) => void; min?: number; max?: number; step?: number; disabled?: boolean }) {
  const { errors, readOnly } = useBuilder();
  const id = fieldId(path);
  const messages = errorsAt(errors, path);
  return (
    <div class={`field${messages.length ? " field-invalid" : ""}${cls ? ` ${cls}` : ""}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        value={value ?? ""}
        min={min}
        max={max}
        step={step ?? 1}
        readOnly={readOnly}
        disabled={disabled}
        aria-invalid={messages.length ? true : undefined}
        aria-describedby={describedBy(id, hint, messages)}
        onInput={(e) => {
          const raw = e.currentTarget.value;
          onChange(raw === "" ? undefined : Number(raw));
        }}
      />
      <FieldMessages id={id} messages={messages} hint={hint} />
    </div>
  );
}

export function SelectField<V extends string>({ path, label, hint, value, onChange, options, class: cls }: Common & { value: V; onChange: (v: V) => void; options: { value: V; label: string }[] }) {
  const { errors, readOnly } = useBuilder();
  const id = fieldId(path);
  const messages = errorsAt(errors, path);
  return (
    <div class={`field${messages.length ? " field-invalid" : ""}${cls ? ` ${cls}` : ""}`}>
      <label for={id}>{label}</label>
      <select id={id} value={value} disabled={readOnly} aria-invalid={messages.length ? true : undefined} aria-describedby={describedBy(id, hint, messages)} onChange={(e) => onChange(e.currentTarget.value as V)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessages id={id} messages={messages} hint={hint} />
    </div>
  );
}

export function CheckField({ path, label, hint, checked, onChange }: Common & { checked: boolean; onChange: (v: boolean) => void }) {
  const { errors, readOnly } = useBuilder();
  const id = fieldId(path);
  const messages = errorsAt(errors, path);
  return (
    <div class={`field field-check${messages.length ? " field-invalid" : ""}`}>
      <input id={id} type="checkbox" checked={checked} disabled={readOnly} aria-describedby={describedBy(id, hint, messages)} onChange={(e) => onChange(e.currentTarget.checked)} />
      <label for={id}>{label}</label>
      <FieldMessages id={id} messages={messages} hint={hint} />
    </div>
  );
}

const LANGUAGE_NAMES: Record<string, string> = { "zh-CN": "中文 (zh-CN)", en: "English (en)" };
export const languageName = (tag: string) => LANGUAGE_NAMES[tag] ?? tag;

/**
 * One respondent-facing text, with an input per survey language side by side. A blank input is
 * a missing translation: flagged here, and listed in the builder's translation summary.
 */
export function LocalizedField({ path, label, text, onChange, multiline, optional, hint }: { path: Path; label: string; text: LocalizedText | undefined; onChange: (t: LocalizedText | undefined) => void; multiline?: boolean; optional?: boolean; hint?: string }) {
  const { errors, languages, defaultLanguage, readOnly } = useBuilder();
  const t = useT();
  const base = pathString(path);
  const own = errorsAt(errors, base);
  const present = !!text && Object.values(text).some((v) => v.trim() !== "");
  return (
    <fieldset class={`b-loc${own.length ? " field-invalid" : ""}`} id={fieldId(path)}>
      <legend>
        {label}
        {optional && <span class="muted small"> ({t("b.optional")})</span>}
      </legend>
      {hint && <p class="field-hint">{hint}</p>}
      <div class={`b-loc-grid b-loc-${Math.min(languages.length, 3)}`}>
        {languages.map((lang) => {
          const id = `${fieldId(path)}.${lang}`;
          const messages = errorsAt(errors, `${base}.${lang}`);
          const value = text?.[lang] ?? "";
          // An optional text nobody has started is not "missing" in any language.
          const missing = value.trim() === "" && (!optional || present);
          const props = {
            id,
            lang,
            value,
            readOnly,
            maxLength: 2000,
            class: missing ? "is-missing" : undefined,
            "aria-invalid": messages.length ? true : undefined,
            "aria-describedby": messages.length ? `${id}-error` : undefined,
            onInput: (e: Event) => onChange(setText(text, lang, (e.currentTarget as HTMLInputElement).value)),
          };
          return (
            <div key={lang} class={`field${messages.length ? " field-invalid" : ""}`}>
              <label for={id} class="b-lang-label">
                <span>{languageName(lang)}</span>
                {lang === defaultLanguage && <span class="muted small">{t("b.defaultLanguage")}</span>}
                {missing && <Badge tone="warn">{t("b.missingTranslation")}</Badge>}
              </label>
              {multiline ? <textarea {...props} rows={2} /> : <input {...props} autocomplete="off" />}
              {messages.map((m) => (
                <p key={m} class="field-error" id={`${id}-error`}>
                  {m}
                </p>
              ))}
            </div>
          );
        })}
      </div>
      {own.map((m) => (
        <p key={m} class="field-error">
          {m}
        </p>
      ))}
    </fieldset>
  );
}

export function Toolbar({ children, label }: { children: ComponentChildren; label: string }) {
  return (
    <div class="b-toolbar" role="group" aria-label={label}>
      {children}
    </div>
  );
}
