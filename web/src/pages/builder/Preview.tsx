/**
 * Live preview at phone width: the questionnaire as a respondent reads it, read-only, in a 360 px
 * frame. Texts missing in the previewed language fall back to the default language (as the
 * survey page does) and are marked.
 */
import { useState } from "preact/hooks";
import { languageName } from "./fields";
import { useT } from "./messages";
import { conditionItemIds, localizedText, type Condition, type LocalizedText, type SurveyDefinition, type SurveyItem } from "./model";

/** The survey page's fixed five-level labels (docs/survey-format.md, seeds digest A6). */
const LEVELS: Record<string, string[]> = {
  "zh-CN": ["很不满意", "不满意", "一般", "满意", "很满意"],
  en: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
};
const YES_NO: Record<string, [string, string]> = { "zh-CN": ["是", "否"], en: ["Yes", "No"] };
const SHOWN_IF: Record<string, string> = { "zh-CN": "条件显示：", en: "Shown if: " };

export function Preview({ def }: { def: SurveyDefinition }) {
  const t = useT();
  const [chosen, setLang] = useState<string>(def.defaultLanguage);
  const lang = def.languages.includes(chosen) ? chosen : def.defaultLanguage;
  const text = (value: LocalizedText | undefined) => <Txt value={value} lang={lang} fallback={def.defaultLanguage} />;
  return (
    <section class="b-preview" aria-labelledby="b-preview-title">
      <div class="b-preview-head">
        <h2 id="b-preview-title">{t("b.preview")}</h2>
        {def.languages.length > 1 && (
          <div class="lang-switch" role="group" aria-label={t("b.previewLanguage")}>
            {def.languages.map((l) => (
              <button key={l} type="button" class="btn btn-small btn-ghost" aria-pressed={l === lang} onClick={() => setLang(l)}>
                {languageName(l)}
              </button>
            ))}
          </div>
        )}
      </div>
      <div class="b-phone" lang={lang} data-testid="builder-preview">
        <div class="b-phone-screen">
          <h1 class="pv-title">{text(def.title)}</h1>
          {def.description && <p class="pv-desc">{text(def.description)}</p>}
          {def.pages.map((page, p) => (
            <div key={p} class="pv-page">
              <p class="pv-progress">
                {p + 1} / {def.pages.length}
              </p>
              {page.title && <h2 class="pv-page-title">{text(page.title)}</h2>}
              {page.description && <p class="pv-desc">{text(page.description)}</p>}
              {page.items.map((item, i) => (
                <PreviewItem key={i} item={item} lang={lang} def={def} />
              ))}
            </div>
          ))}
          {def.thankYou && <p class="pv-thanks">{text(def.thankYou)}</p>}
        </div>
      </div>
    </section>
  );
}

function Txt({ value, lang, fallback }: { value: LocalizedText | undefined; lang: string; fallback: string }) {
  const own = value?.[lang]?.trim();
  if (own) return <>{value![lang]}</>;
  const other = localizedText(value, fallback, fallback);
  return <span class="pv-fallback">{other || "…"}</span>;
}

function describe(condition: Condition): string {
  return conditionItemIds(condition).join(", ");
}

function PreviewItem({ item, lang, def }: { item: SurveyItem; lang: string; def: SurveyDefinition }) {
  const fb = def.defaultLanguage;
  const txt = (v: LocalizedText | undefined) => <Txt value={v} lang={lang} fallback={fb} />;
  const name = `pv-${item.id}`;
  return (
    <div class={`pv-item${item.showIf ? " pv-conditional" : ""}`}>
      {item.showIf && (
        <p class="pv-cond">
          {SHOWN_IF[lang] ?? SHOWN_IF.en}
          <code>{describe(item.showIf)}</code>
        </p>
      )}
      <p class="pv-label">
        {txt(item.label)}
        {item.required && <span class="pv-req"> *</span>}
      </p>
      {item.help && <p class="pv-help">{txt(item.help)}</p>}
      {item.type === "rating" && <Scale min={item.min} max={item.max} minLabel={item.minLabel} maxLabel={item.maxLabel} lang={lang} fb={fb} />}
      {item.type === "satisfaction5" && <Levels lang={lang} />}
      {(item.type === "single_choice" || item.type === "multiple_choice") && (
        <ul class="pv-options">
          {item.options.map((o) => (
            <li key={o.id}>
              <label>
                <input type={item.type === "single_choice" ? "radio" : "checkbox"} name={name} disabled />
                {txt(o.label)}
              </label>
            </li>
          ))}
        </ul>
      )}
      {item.type === "yes_no" && (
        <div class="pv-yesno">
          <span class="pv-box">{(YES_NO[lang] ?? YES_NO.en!)[0]}</span>
          <span class="pv-box">{(YES_NO[lang] ?? YES_NO.en!)[1]}</span>
        </div>
      )}
      {item.type === "text" && (item.multiline ? <textarea class="pv-input" disabled rows={3} aria-label={item.id} /> : <input class="pv-input" disabled aria-label={item.id} />)}
      {item.type === "matrix" && (
        <div class="pv-matrix">
          {item.rows.map((row) => (
            <div key={row.id} class="pv-row">
              <p class="pv-row-label">{txt(row.label)}</p>
              {item.scale.type === "rating" ? (
                <Scale min={item.scale.min} max={item.scale.max} minLabel={item.scale.minLabel} maxLabel={item.scale.maxLabel} lang={lang} fb={fb} />
              ) : (
                <Levels lang={lang} />
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function Scale({ min, max, minLabel, maxLabel, lang, fb }: { min: number; max: number; minLabel?: LocalizedText; maxLabel?: LocalizedText; lang: string; fb: string }) {
  const points = Number.isInteger(min) && Number.isInteger(max) && max > min && max - min <= 20 ? Array.from({ length: max - min + 1 }, (_, i) => min + i) : [];
  return (
    <div class="pv-scale">
      <div class={`pv-points${points.length > 7 ? " pv-points-wrap" : ""}`}>
        {points.map((p) => (
          <span key={p} class="pv-box">
            {p}
          </span>
        ))}
      </div>
      {(minLabel || maxLabel) && (
        <div class="pv-ends">
          <span>{minLabel ? <Txt value={minLabel} lang={lang} fallback={fb} /> : ""}</span>
          <span>{maxLabel ? <Txt value={maxLabel} lang={lang} fallback={fb} /> : ""}</span>
        </div>
      )}
    </div>
  );
}

function Levels({ lang }: { lang: string }) {
  const labels = LEVELS[lang] ?? LEVELS.en!;
  return (
    <ol class="pv-levels">
      {labels.map((l, i) => (
        <li key={i} class="pv-box">
          {i + 1} · {l}
        </li>
      ))}
    </ol>
  );
}
