/** Server-rendered survey pages (Preact render-to-string): no inline scripts or styles. */
import { answerIdsOf, type Condition, type ConditionValue, type SurveyDefinition, type SurveyItem, type SurveyPage } from "../domain/survey/definition";
import { KANO_ANSWER_LABELS } from "../domain/survey/kano-item";
import type { AnswerError, Answers } from "../domain/survey/answers";
import { localize } from "../domain/survey/localization";
import { isItemVisible } from "../domain/survey/logic";
import { SATISFACTION_LEVELS } from "../domain/survey/scales";
import { formatAnswerError, type UiStrings } from "../domain/survey/ui-strings";

type FormState = {
  slug: string;
  language: string;
  submissionId: string;
  token?: string;
  resume?: string;
  hidden: Record<string, string>;
};

type PageProps = {
  definition: SurveyDefinition;
  page: SurveyPage;
  answers: Answers;
  errors: AnswerError[];
  strings: UiStrings;
  form: FormState;
  progress: { current: number; total: number };
  isLast: boolean;
  isFirst: boolean;
  resumed: boolean;
};

const t = (text: Record<string, string> | undefined, language: string, definition: SurveyDefinition) =>
  localize(text, language, definition.defaultLanguage);

function ErrorText({ id, errors, strings }: { id: string; errors: AnswerError[]; strings: UiStrings }) {
  const mine = errors.filter((e) => e.itemId === id);
  if (mine.length === 0) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {mine.map((e) => formatAnswerError(e, strings)).join(" ")}
    </p>
  );
}

function RequiredMark({ required, strings }: { required: boolean; strings: UiStrings }) {
  return required ? (
    <span class="required" aria-hidden="true" title={strings.required}>
      *
    </span>
  ) : null;
}

function ScaleRadios(props: {
  name: string;
  min: number;
  max: number;
  value: unknown;
  labels?: Record<number, string>;
  describedBy?: string;
  invalid: boolean;
  required: boolean;
}) {
  const values: number[] = [];
  for (let v = props.min; v <= props.max; v++) values.push(v);
  return (
    <div class={`scale scale-${values.length > 7 ? "wide" : "narrow"}`}>
      {values.map((v) => (
        <label class="scale-option">
          <input
            type="radio"
            name={props.name}
            value={String(v)}
            checked={props.value === v}
            aria-describedby={props.describedBy}
            aria-invalid={props.invalid ? "true" : undefined}
            required={props.required}
          />
          <span class="scale-value">{props.labels?.[v] ?? String(v)}</span>
        </label>
      ))}
    </div>
  );
}

/** Every question's label by id (a matrix row as "matrix › row"), so an error or a condition can name its question. */
function questionLabels(definition: SurveyDefinition, language: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const page of definition.pages) {
    for (const item of page.items) {
      const label = t(item.label, language, definition);
      labels.set(item.id, label);
      if (item.type === "matrix") for (const row of item.rows) labels.set(row.id, `${label} › ${t(row.label, language, definition)}`);
    }
  }
  return labels;
}

/** An answer value as the respondent saw it: "Yes"/"No", an option's label, or the number. */
function answerText(definition: SurveyDefinition, itemId: string, value: ConditionValue, strings: UiStrings, language: string): string {
  if (typeof value === "boolean") return value ? strings.yes : strings.no;
  for (const page of definition.pages) {
    for (const item of page.items) {
      if (item.id === itemId && (item.type === "single_choice" || item.type === "multiple_choice")) {
        const option = item.options.find((o) => o.id === value);
        if (option) return t(option.label, language, definition);
      }
    }
  }
  return String(value);
}

const COMPARISON_SYMBOLS = { gt: ">", gte: "≥", lt: "<", lte: "≤" } as const;

/** A display condition in the respondent's words, for the hint shown when JavaScript cannot hide a follow-up question. */
function describeCondition(condition: Condition, definition: SurveyDefinition, strings: UiStrings, language: string, labels: Map<string, string>): string {
  if ("all" in condition) return condition.all.map((c) => describeCondition(c, definition, strings, language, labels)).join(` ${strings.conditionText.and} `);
  if ("any" in condition) return condition.any.map((c) => describeCondition(c, definition, strings, language, labels)).join(` ${strings.conditionText.or} `);
  const question = labels.get(condition.itemId) ?? condition.itemId;
  const words = strings.conditionText;
  switch (condition.op) {
    case "equals":
      return words.equals(question, answerText(definition, condition.itemId, condition.value, strings, language));
    case "notEquals":
      return words.notEquals(question, answerText(definition, condition.itemId, condition.value, strings, language));
    case "in":
      return words.equals(question, condition.values.map((v) => answerText(definition, condition.itemId, v, strings, language)).join(" / "));
    case "answered":
      return words.answered(question);
    case "notAnswered":
      return words.notAnswered(question);
    default:
      return words.compare(question, COMPARISON_SYMBOLS[condition.op], String(condition.value));
  }
}

/** Items whose display condition depends on answers on this same page (the browser toggles them). */
export function conditionItemIds(condition: Condition): string[] {
  if ("all" in condition) return condition.all.flatMap(conditionItemIds);
  if ("any" in condition) return condition.any.flatMap(conditionItemIds);
  return [condition.itemId];
}

function dependsOnPage(item: SurveyItem, page: SurveyPage): boolean {
  if (!item.showIf) return false;
  const onPage = new Set(page.items.flatMap(answerIdsOf));
  return conditionItemIds(item.showIf).some((id) => onPage.has(id));
}

function ItemField({ item, props }: { item: SurveyItem; props: PageProps }) {
  const { definition, answers, errors, strings, form } = props;
  const lang = form.language;
  const label = t(item.label, lang, definition);
  const help = item.help ? t(item.help, lang, definition) : "";
  const answerIds = answerIdsOf(item);
  const hasError = errors.some((e) => e.itemId === item.id || answerIds.includes(e.itemId ?? ""));
  const describedBy = [help ? `${item.id}-help` : "", hasError ? `${item.id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const legend = (
    <legend>
      {label} <RequiredMark required={item.required} strings={strings} />
      {item.required ? <span class="visually-hidden"> ({strings.required})</span> : null}
    </legend>
  );
  const helpText = help ? (
    <p class="help" id={`${item.id}-help`}>
      {help}
    </p>
  ) : null;

  switch (item.type) {
    case "rating": {
      const minLabel = item.minLabel ? t(item.minLabel, lang, definition) : "";
      const maxLabel = item.maxLabel ? t(item.maxLabel, lang, definition) : "";
      return (
        <fieldset class={`item${hasError ? " has-error" : ""}`} id={item.id}>
          {legend}
          {helpText}
          <ErrorText id={item.id} errors={errors} strings={strings} />
          <ScaleRadios name={item.id} min={item.min} max={item.max} value={answers[item.id]} describedBy={describedBy} invalid={hasError} required={item.required} />
          {minLabel || maxLabel ? (
            <p class="scale-ends">
              <span>
                {item.min} = {minLabel}
              </span>
              <span>
                {item.max} = {maxLabel}
              </span>
            </p>
          ) : null}
        </fieldset>
      );
    }
    case "satisfaction5": {
      const labels = Object.fromEntries(SATISFACTION_LEVELS.map((level) => [level.value, level.label[lang === "zh-CN" ? "zh-CN" : "en"]]));
      return (
        <fieldset class={`item${hasError ? " has-error" : ""}`} id={item.id}>
          {legend}
          {helpText}
          <ErrorText id={item.id} errors={errors} strings={strings} />
          <ScaleRadios name={item.id} min={1} max={5} value={answers[item.id]} labels={labels} describedBy={describedBy} invalid={hasError} required={item.required} />
        </fieldset>
      );
    }
    case "yes_no":
      return (
        <fieldset class={`item${hasError ? " has-error" : ""}`} id={item.id}>
          {legend}
          {helpText}
          <ErrorText id={item.id} errors={errors} strings={strings} />
          <div class="choices">
            {[
              ["yes", strings.yes, true],
              ["no", strings.no, false],
            ].map(([value, text, bool]) => (
              <label class="choice">
                <input type="radio" name={item.id} value={String(value)} checked={answers[item.id] === bool} aria-describedby={describedBy} required={item.required} />
                <span>{String(text)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      );
    case "single_choice":
    case "multiple_choice": {
      const multiple = item.type === "multiple_choice";
      const selected = new Set(Array.isArray(answers[item.id]) ? (answers[item.id] as string[]) : [String(answers[item.id] ?? "")]);
      return (
        <fieldset class={`item${hasError ? " has-error" : ""}`} id={item.id}>
          {legend}
          {helpText}
          {multiple && item.maxSelections ? <p class="help">{strings.selectionLimit(item.maxSelections)}</p> : null}
          <ErrorText id={item.id} errors={errors} strings={strings} />
          <div class="choices">
            {item.options.map((option) => (
              <label class="choice">
                <input
                  type={multiple ? "checkbox" : "radio"}
                  name={item.id}
                  value={option.id}
                  checked={selected.has(option.id)}
                  aria-describedby={describedBy}
                  required={!multiple && item.required}
                />
                <span>{t(option.label, lang, definition)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      );
    }
    case "text": {
      const value = typeof answers[item.id] === "string" ? (answers[item.id] as string) : "";
      return (
        <div class={`item${hasError ? " has-error" : ""}`} id={item.id}>
          <label for={`${item.id}-input`} class="item-label">
            {label} <RequiredMark required={item.required} strings={strings} />
          </label>
          {helpText}
          <ErrorText id={item.id} errors={errors} strings={strings} />
          {item.multiline ? (
            <textarea id={`${item.id}-input`} name={item.id} rows={4} maxLength={item.maxLength} aria-describedby={describedBy} required={item.required}>
              {value}
            </textarea>
          ) : (
            <textarea id={`${item.id}-input`} name={item.id} rows={3} maxLength={item.maxLength} aria-describedby={describedBy} required={item.required}>
              {value}
            </textarea>
          )}
          <p class="help">{strings.characterLimit(item.maxLength)}</p>
        </div>
      );
    }
    case "matrix": {
      const scale = item.scale;
      const min = scale.type === "rating" ? scale.min : 1;
      const max = scale.type === "rating" ? scale.max : 5;
      const labels =
        scale.type === "satisfaction5"
          ? Object.fromEntries(SATISFACTION_LEVELS.map((level) => [level.value, level.label[lang === "zh-CN" ? "zh-CN" : "en"]]))
          : undefined;
      return (
        <fieldset class={`item matrix${hasError ? " has-error" : ""}`} id={item.id}>
          {legend}
          {helpText}
          {item.rows.map((row) => (
            <fieldset class="matrix-row" id={row.id}>
              <legend>{t(row.label, lang, definition)}</legend>
              <ErrorText id={row.id} errors={errors} strings={strings} />
              <ScaleRadios name={row.id} min={min} max={max} value={answers[row.id]} labels={labels} invalid={errors.some((e) => e.itemId === row.id)} required={item.required} />
            </fieldset>
          ))}
        </fieldset>
      );
    }
    case "kano": {
      const labels = Object.fromEntries(KANO_ANSWER_LABELS.map((text, i) => [i + 1, text[lang === "zh-CN" ? "zh-CN" : "en"]!]));
      return (
        <fieldset class={`item matrix kano${hasError ? " has-error" : ""}`} id={item.id}>
          {legend}
          {helpText}
          {[item.functional, item.dysfunctional].map((question) => (
            <fieldset class="matrix-row" id={question.id}>
              <legend>{t(question.label, lang, definition)}</legend>
              <ErrorText id={question.id} errors={errors} strings={strings} />
              <ScaleRadios name={question.id} min={1} max={5} value={answers[question.id]} labels={labels} invalid={errors.some((e) => e.itemId === question.id)} required={item.required} />
            </fieldset>
          ))}
        </fieldset>
      );
    }
  }
}

/** The link that brings an anonymous respondent back to their saved answers (the resume secret; no page, so it opens where they left off). */
function resumeHref(form: FormState): string {
  const query = new URLSearchParams({ lang: form.language, r: form.resume ?? "" });
  return `/s/${form.slug}?${query.toString()}`;
}

export function SurveyPageView(props: PageProps) {
  const { definition, page, errors, strings, form, progress } = props;
  const lang = form.language;
  // Without JavaScript a same-page condition cannot react, so such items are shown with their
  // condition attached; the enhancement script hides them until the condition holds, and the
  // server drops answers to items whose condition is false.
  const items = page.items.filter((item) => isItemVisible(definition, item.id, props.answers) || dependsOnPage(item, page));
  const labels = questionLabels(definition, lang);
  const other = definition.languages.find((l) => l !== lang);
  const switchQuery = new URLSearchParams({ lang: other ?? lang, page: page.id });
  if (form.token) switchQuery.set("t", form.token);
  if (form.resume) switchQuery.set("r", form.resume);
  for (const [k, v] of Object.entries(form.hidden)) switchQuery.set(k, v);
  return (
    <>
      <header class="survey-header">
        <h1>{t(definition.title, lang, definition)}</h1>
        {other ? (
          <a class="lang-switch" href={`/s/${form.slug}?${switchQuery.toString()}`} hreflang={other}>
            {other === "zh-CN" ? "中文" : "English"}
          </a>
        ) : null}
      </header>
      {props.isFirst && definition.description ? <p class="description">{t(definition.description, lang, definition)}</p> : null}
      {props.resumed ? <p class="notice" role="status">{strings.resumeNotice}</p> : null}
      <p class="progress" aria-live="polite">
        {strings.pageProgress(progress.current, progress.total)}
      </p>
      {errors.length > 0 ? (
        <div class="error-summary" role="alert" tabindex={-1} id="error-summary">
          <h2>{strings.errorSummaryTitle}</h2>
          <ul>
            {errors.map((e) => (
              <li>
                <a href={`#${e.itemId ?? "main"}`} data-error-for={e.itemId}>
                  {e.itemId && labels.has(e.itemId) ? strings.questionError(labels.get(e.itemId)!, formatAnswerError(e, strings)) : formatAnswerError(e, strings)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action={`/s/${form.slug}`} class="survey-form" novalidate>
        {page.title ? <h2>{t(page.title, lang, definition)}</h2> : null}
        {page.description ? <p class="description">{t(page.description, lang, definition)}</p> : null}
        <input type="hidden" name="_submission" value={form.submissionId} />
        <input type="hidden" name="_page" value={page.id} />
        <input type="hidden" name="_lang" value={lang} />
        {form.token ? <input type="hidden" name="_token" value={form.token} /> : null}
        {form.resume ? <input type="hidden" name="_resume" value={form.resume} /> : null}
        {Object.entries(form.hidden).map(([k, v]) => (
          <input type="hidden" name={`_h.${k}`} value={v} />
        ))}
        {items.map((item) =>
          item.showIf && dependsOnPage(item, page) ? (
            <div class="conditional" data-show-if={JSON.stringify(item.showIf)}>
              <p class="conditional-hint">{strings.onlyIf(describeCondition(item.showIf, definition, strings, lang, labels))}</p>
              <ItemField item={item} props={props} />
            </div>
          ) : (
            <ItemField item={item} props={props} />
          ),
        )}
        <div class="actions">
          {!props.isFirst ? (
            <button type="submit" name="_action" value="back" class="secondary" formnovalidate>
              {strings.back}
            </button>
          ) : null}
          <button type="submit" name="_action" value="next" class="primary">
            {props.isLast ? strings.submit : strings.next}
          </button>
        </div>
      </form>
      {form.token ? (
        <p class="save-note">{strings.saveNoteInvitation}</p>
      ) : form.resume ? (
        <p class="save-note">
          {strings.saveNote}{" "}
          <a href={resumeHref(form)} data-testid="resume-link">
            {strings.resumeLinkText}
          </a>
        </p>
      ) : null}
    </>
  );
}
