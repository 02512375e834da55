/**
 * One question: common fields, the settings of its type, construct/metric tags and its show-if
 * condition. Collapsed to a one-line summary until opened; a question with a validation error
 * opens itself so the message is visible.
 */
import { useEffect, useState } from "preact/hooks";
import { useI18n, type MessageKey } from "../../lib/i18n";
import { Badge } from "../../components/ui";
import { ConditionEditor } from "./ConditionEditor";
import { CheckField, ErrorList, fieldId, LocalizedField, NumberField, SelectField, TextField, Toolbar, useBuilder } from "./fields";
import { useT, type BKey } from "./messages";
import {
  ITEM_TYPES,
  localizedText,
  moveInArray,
  nextId,
  pathString,
  PRESET_KEYS,
  PRESETS,
  SERVQUAL_DIMENSIONS,
  SIMPLE_METRIC_ROLES,
  STANDARD_CONSTRUCTS,
  type ChoiceOption,
  type MatrixRow,
  type Path,
  type RatingPreset,
  type Slot,
  type SurveyItem,
  type SurveyItemType,
} from "./model";

export const TYPE_KEYS: Record<SurveyItemType, BKey> = {
  rating: "type.rating",
  satisfaction5: "type.satisfaction5",
  single_choice: "type.single_choice",
  multiple_choice: "type.multiple_choice",
  yes_no: "type.yes_no",
  text: "type.text",
  matrix: "type.matrix",
  kano: "type.kano",
};

type Props = {
  item: SurveyItem;
  path: Path;
  number: number;
  slots: Slot[];
  taken: Set<string>;
  canMoveUp: boolean;
  canMoveDown: boolean;
  initiallyOpen: boolean;
  onChange: (item: SurveyItem) => void;
  onRename: (oldId: string, newId: string) => void;
  onChangeType: (type: SurveyItemType) => void;
  onMove: (direction: -1 | 1) => void;
  onDuplicate: () => void;
  onDelete: () => void;
};

export function ItemEditor(props: Props) {
  const { item, path, number, slots } = props;
  const t = useT();
  const { t: tApp, lang } = useI18n();
  const { errors, defaultLanguage, readOnly } = useBuilder();
  const [open, setOpen] = useState(props.initiallyOpen);
  const base = pathString(path);
  let errorCount = 0;
  for (const [key, list] of errors) if (key === base || key.startsWith(`${base}.`)) errorCount += list.length;
  useEffect(() => {
    if (errorCount > 0) setOpen(true);
  }, [errorCount > 0]);

  const set = <K extends string>(key: K, value: unknown) => {
    const next = { ...item } as Record<string, unknown>;
    if (value === undefined) delete next[key];
    else next[key] = value;
    props.onChange(next as SurveyItem);
  };
  const headingId = `${fieldId(path)}-heading`;
  const label = localizedText(item.label, lang, defaultLanguage);

  return (
    <article class={`b-item${errorCount ? " has-errors" : ""}`} id={fieldId(path)} aria-labelledby={headingId} data-item-id={item.id}>
      <div class="b-item-head">
        <h4 id={headingId} class="b-item-title">
          <button type="button" class="b-item-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            <span class="b-item-num">{t("b.questionN", { n: number })}</span>
            <span class="b-item-label">{label || <em class="muted">{t("b.noLabel")}</em>}</span>
          </button>
        </h4>
        <div class="b-item-meta">
          <code>{item.id}</code>
          <Badge tone="muted">{t(TYPE_KEYS[item.type])}</Badge>
          {item.required && <Badge tone="info">{t("b.required")}</Badge>}
          {item.showIf && <Badge tone="info">{t("b.conditional")}</Badge>}
          {item.construct && <Badge tone="ok">{constructLabel(item.construct, tApp)}</Badge>}
          {errorCount > 0 && <Badge tone="bad">{t("b.errorCount", { n: errorCount })}</Badge>}
        </div>
        {!readOnly && (
          <Toolbar label={t("b.questionActions", { n: number })}>
            <button type="button" class="btn btn-small" disabled={!props.canMoveUp} onClick={() => props.onMove(-1)} aria-label={t("b.moveUpN", { n: number })} title={t("b.moveUp")}>
              ↑
            </button>
            <button type="button" class="btn btn-small" disabled={!props.canMoveDown} onClick={() => props.onMove(1)} aria-label={t("b.moveDownN", { n: number })} title={t("b.moveDown")}>
              ↓
            </button>
            <button type="button" class="btn btn-small" onClick={props.onDuplicate}>
              {t("b.duplicate")}
            </button>
            <button type="button" class="btn btn-small btn-danger" onClick={props.onDelete} aria-label={t("b.deleteN", { n: number })}>
              {t("b.delete")}
            </button>
          </Toolbar>
        )}
      </div>
      {open && (
        <div class="b-item-body">
          <ErrorList path={path} extra={["type"]} />
          <div class="form-grid">
            <TextField
              path={[...path, "id"]}
              label={t("b.id")}
              hint={t("b.idHint")}
              mono
              maxLength={64}
              value={item.id}
              onChange={(v) => props.onRename(item.id, v)}
            />
            <SelectField<SurveyItemType>
              path={[...path, "typeSelect"]}
              label={t("b.type")}
              value={item.type}
              onChange={props.onChangeType}
              options={ITEM_TYPES.map((type) => ({ value: type, label: t(TYPE_KEYS[type]) }))}
            />
            <CheckField path={[...path, "required"]} label={t("b.requiredLabel")} hint={item.showIf ? t("b.requiredHint") : undefined} checked={item.required} onChange={(v) => set("required", v)} />
          </div>
          <LocalizedField path={[...path, "label"]} label={t("b.label")} text={item.label} multiline onChange={(v) => set("label", v ?? {})} />
          <LocalizedField path={[...path, "help"]} label={t("b.help")} optional text={item.help} onChange={(v) => set("help", v)} />
          <TypeSettings {...props} set={set} />
          <section class="b-sub" aria-label={t("b.tags")}>
            <h5>{t("b.tags")}</h5>
            <p class="field-hint">{t("b.tagsHint")}</p>
            <TagFields
              path={path}
              construct={item.construct}
              metric={item.type === "matrix" ? undefined : item.metric}
              allowMetric={item.type !== "matrix"}
              onConstruct={(v) => set("construct", v)}
              onMetric={(v) => set("metric", v)}
            />
            {(item.type === "rating" || item.type === "satisfaction5") && (
              <div class="form-grid">
                <TextField
                  path={[...path, "perceptionPair"]}
                  label={t("b.perceptionPair")}
                  hint={t("b.perceptionPairHint")}
                  mono
                  maxLength={64}
                  value={item.perceptionPair ?? ""}
                  onChange={(v) => set("perceptionPair", v.trim() === "" ? undefined : v.trim())}
                />
              </div>
            )}
          </section>
          <section class="b-sub" aria-label={t("b.showIf")}>
            <h5>{t("b.showIf")}</h5>
            <ConditionEditor path={[...path, "showIf"]} condition={item.showIf} slots={slots} onChange={(c) => set("showIf", c)} />
          </section>
        </div>
      )}
    </article>
  );
}

export function constructLabel(construct: string, tApp: (k: MessageKey) => string): string {
  return (STANDARD_CONSTRUCTS as readonly string[]).includes(construct) ? tApp(`construct.${construct}` as MessageKey) : construct;
}

function TypeSettings(props: Props & { set: (key: string, value: unknown) => void }) {
  const { item, path, set } = props;
  const t = useT();
  switch (item.type) {
    case "rating":
      return (
        <section class="b-sub" aria-label={t("b.scale")}>
          <h5>{t("b.scale")}</h5>
          <RatingScale path={path} scale={item} onChange={(patch) => props.onChange({ ...item, ...patch } as SurveyItem)} />
        </section>
      );
    case "satisfaction5":
      return <p class="field-hint">{t("b.sat5Hint")}</p>;
    case "yes_no":
      return null;
    case "text":
      return (
        <div class="form-grid">
          <NumberField path={[...path, "maxLength"]} label={t("b.maxLength")} min={1} max={20000} value={item.maxLength} onChange={(v) => set("maxLength", v)} />
          <CheckField path={[...path, "multiline"]} label={t("b.multiline")} checked={item.multiline} onChange={(v) => set("multiline", v)} />
        </div>
      );
    case "single_choice":
    case "multiple_choice":
      return (
        <section class="b-sub" aria-label={t("b.options")}>
          <h5>{t("b.options")}</h5>
          <OptionsEditor path={[...path, "options"]} options={item.options} onChange={(options) => set("options", options)} />
          {item.type === "multiple_choice" && (
            <div class="form-grid">
              <NumberField path={[...path, "minSelections"]} label={t("b.minSelections")} min={0} value={item.minSelections} onChange={(v) => set("minSelections", v)} />
              <NumberField path={[...path, "maxSelections"]} label={t("b.maxSelections")} min={1} value={item.maxSelections} onChange={(v) => set("maxSelections", v)} />
            </div>
          )}
        </section>
      );
    case "matrix":
      return (
        <>
          <section class="b-sub" aria-label={t("b.scale")}>
            <h5>{t("b.scale")}</h5>
            <SelectField<"rating" | "satisfaction5">
              path={[...path, "scale", "type"]}
              label={t("b.scaleType")}
              value={item.scale.type}
              onChange={(v) => set("scale", v === "rating" ? { type: "rating", min: 1, max: 5, step: 1 } : { type: "satisfaction5" })}
              options={[
                { value: "rating", label: t("type.rating") },
                { value: "satisfaction5", label: t("type.satisfaction5") },
              ]}
            />
            {item.scale.type === "rating" && <RatingScale path={[...path, "scale"]} scale={item.scale} onChange={(patch) => set("scale", { ...item.scale, ...patch })} />}
          </section>
          <section class="b-sub" aria-label={t("b.rows")}>
            <h5>{t("b.rows")}</h5>
            <p class="field-hint">{t("b.rowsHint")}</p>
            <RowsEditor path={[...path, "rows"]} rows={item.rows} taken={props.taken} onChange={(rows) => set("rows", rows)} onRename={props.onRename} />
          </section>
        </>
      );
    case "kano":
      // The two questions of the pair, each its own answer key (renamed like a matrix row) and wording in both languages.
      return (
        <section class="b-sub" aria-label={t("b.kanoQuestions")}>
          <h5>{t("b.kanoQuestions")}</h5>
          <p class="field-hint">{t("b.kanoHint")}</p>
          {(["functional", "dysfunctional"] as const).map((role) => (
            <div key={role} class="b-subrow" data-kano-role={role}>
              <TextField path={[...path, role, "id"]} label={t(`b.kano.${role}Id`)} mono maxLength={64} value={item[role].id} onChange={(v) => props.onRename(item[role].id, v)} class="b-id-field" />
              <LocalizedField path={[...path, role, "label"]} label={t(`b.kano.${role}`)} text={item[role].label} multiline onChange={(v) => set(role, { ...item[role], label: v ?? {} })} />
            </div>
          ))}
        </section>
      );
  }
}

type Scale = { min: number; max: number; preset?: RatingPreset; minLabel?: Record<string, string>; maxLabel?: Record<string, string> };

function RatingScale({ path, scale, onChange }: { path: Path; scale: Scale; onChange: (patch: Partial<Scale> & Record<string, unknown>) => void }) {
  const t = useT();
  const presetOptions = [{ value: "", label: t("b.presetNone") }, ...PRESET_KEYS.map((p) => ({ value: p, label: t(`preset.${p}` as BKey) }))];
  return (
    <>
      <div class="form-grid">
        <SelectField<string>
          path={[...path, "preset"]}
          label={t("b.preset")}
          hint={t("b.presetHint")}
          value={scale.preset ?? ""}
          options={presetOptions}
          onChange={(v) => (v ? onChange({ preset: v as RatingPreset, ...PRESETS[v as RatingPreset] }) : onChange({ preset: undefined }))}
        />
        <NumberField path={[...path, "min"]} label={t("b.min")} min={-10} max={100} disabled={!!scale.preset} value={scale.min} onChange={(v) => onChange({ min: v as number })} />
        <NumberField path={[...path, "max"]} label={t("b.max")} min={-10} max={100} disabled={!!scale.preset} value={scale.max} onChange={(v) => onChange({ max: v as number })} />
      </div>
      <div class="grid grid-2">
        <LocalizedField path={[...path, "minLabel"]} label={t("b.minLabel")} optional text={scale.minLabel} onChange={(v) => onChange({ minLabel: v })} />
        <LocalizedField path={[...path, "maxLabel"]} label={t("b.maxLabel")} optional text={scale.maxLabel} onChange={(v) => onChange({ maxLabel: v })} />
      </div>
    </>
  );
}

function OptionsEditor({ path, options, onChange }: { path: Path; options: ChoiceOption[]; onChange: (o: ChoiceOption[]) => void }) {
  const t = useT();
  const { readOnly } = useBuilder();
  const taken = new Set(options.map((o) => o.id));
  return (
    <>
      <ErrorList path={path} />
      <ol class="b-sublist">
        {options.map((option, index) => (
          <li key={index} class="b-subrow">
            <TextField path={[...path, index, "id"]} label={t("b.optionId")} mono maxLength={64} value={option.id} onChange={(v) => onChange(options.map((o, i) => (i === index ? { ...o, id: v } : o)))} class="b-id-field" />
            <LocalizedField path={[...path, index, "label"]} label={t("b.optionLabel", { n: index + 1 })} text={option.label} onChange={(v) => onChange(options.map((o, i) => (i === index ? { ...o, label: v ?? {} } : o)))} />
            {!readOnly && (
              <Toolbar label={t("b.optionActions", { n: index + 1 })}>
                <button type="button" class="btn btn-small" disabled={index === 0} onClick={() => onChange(moveInArray(options, index, index - 1))} aria-label={t("b.moveUp")}>
                  ↑
                </button>
                <button type="button" class="btn btn-small" disabled={index === options.length - 1} onClick={() => onChange(moveInArray(options, index, index + 1))} aria-label={t("b.moveDown")}>
                  ↓
                </button>
                <button type="button" class="btn btn-small btn-danger" onClick={() => onChange(options.filter((_, i) => i !== index))} aria-label={t("b.removeOption", { n: index + 1 })}>
                  {t("b.remove")}
                </button>
              </Toolbar>
            )}
          </li>
        ))}
      </ol>
      {!readOnly && (
        <button type="button" class="btn btn-small" onClick={() => onChange([...options, { id: nextId(taken, "option"), label: {} }])}>
          {t("b.addOption")}
        </button>
      )}
    </>
  );
}

function RowsEditor({ path, rows, taken, onChange, onRename }: { path: Path; rows: MatrixRow[]; taken: Set<string>; onChange: (r: MatrixRow[]) => void; onRename: (oldId: string, newId: string) => void }) {
  const t = useT();
  const { readOnly } = useBuilder();
  const setRow = (index: number, key: string, value: unknown) =>
    onChange(
      rows.map((r, i) => {
        if (i !== index) return r;
        const next = { ...r } as Record<string, unknown>;
        if (value === undefined) delete next[key];
        else next[key] = value;
        return next as MatrixRow;
      }),
    );
  return (
    <>
      <ErrorList path={path} />
      <ol class="b-sublist">
        {rows.map((row, index) => (
          <li key={index} class="b-subrow">
            <TextField path={[...path, index, "id"]} label={t("b.rowId")} mono maxLength={64} value={row.id} onChange={(v) => onRename(row.id, v)} class="b-id-field" />
            <LocalizedField path={[...path, index, "label"]} label={t("b.rowLabel", { n: index + 1 })} text={row.label} onChange={(v) => setRow(index, "label", v ?? {})} />
            <TagFields path={[...path, index]} construct={row.construct} metric={row.metric} allowMetric onConstruct={(v) => setRow(index, "construct", v)} onMetric={(v) => setRow(index, "metric", v)} compact />
            {!readOnly && (
              <Toolbar label={t("b.rowActions", { n: index + 1 })}>
                <button type="button" class="btn btn-small" disabled={index === 0} onClick={() => onChange(moveInArray(rows, index, index - 1))} aria-label={t("b.moveUp")}>
                  ↑
                </button>
                <button type="button" class="btn btn-small" disabled={index === rows.length - 1} onClick={() => onChange(moveInArray(rows, index, index + 1))} aria-label={t("b.moveDown")}>
                  ↓
                </button>
                <button type="button" class="btn btn-small btn-danger" disabled={rows.length <= 1} onClick={() => onChange(rows.filter((_, i) => i !== index))} aria-label={t("b.removeRow", { n: index + 1 })}>
                  {t("b.remove")}
                </button>
              </Toolbar>
            )}
          </li>
        ))}
      </ol>
      {!readOnly && (
        <button type="button" class="btn btn-small" onClick={() => onChange([...rows, { id: nextId(taken, "row"), label: {} }])}>
          {t("b.addRow")}
        </button>
      )}
    </>
  );
}

type Metric = SurveyItem["metric"];

/** Construct tag (measurement model) and metric tag (KPI role). */
function TagFields({ path, construct, metric, allowMetric, onConstruct, onMetric, compact }: { path: Path; construct: string | undefined; metric: Metric; allowMetric: boolean; onConstruct: (v: string | undefined) => void; onMetric: (v: Metric) => void; compact?: boolean }) {
  const t = useT();
  const { t: tApp } = useI18n();
  const isCustom = !!construct && construct.startsWith("custom:");
  const constructChoice = !construct ? "" : isCustom ? "custom" : construct;
  const metricChoice = metric === undefined ? "" : typeof metric === "string" ? metric : "servqual";
  const servqual = typeof metric === "object" ? metric : undefined;
  return (
    <div class={`form-grid${compact ? " b-tags-compact" : ""}`}>
      <SelectField<string>
        path={[...path, "construct"]}
        label={t("b.construct")}
        value={constructChoice}
        onChange={(v) => onConstruct(v === "" ? undefined : v === "custom" ? "custom:construct" : v)}
        options={[
          { value: "", label: t("b.none") },
          ...STANDARD_CONSTRUCTS.map((c) => ({ value: c, label: tApp(`construct.${c}` as MessageKey) })),
          { value: "custom", label: t("b.customConstruct") },
        ]}
      />
      {isCustom && (
        <TextField
          path={[...path, "constructName"]}
          label={t("b.customName")}
          mono
          maxLength={48}
          value={construct!.slice("custom:".length)}
          onChange={(v) => onConstruct(`custom:${v}`)}
        />
      )}
      {allowMetric && (
        <SelectField<string>
          path={[...path, "metric"]}
          label={t("b.metric")}
          value={metricChoice}
          onChange={(v) =>
            onMetric(v === "" ? undefined : v === "servqual" ? { role: "servqual", dimension: "reliability", kind: "perception", pairKey: "pair_1" } : (v as Metric))
          }
          options={[{ value: "", label: t("b.none") }, ...SIMPLE_METRIC_ROLES.map((r) => ({ value: r, label: t(`metric.${r}` as BKey) })), { value: "servqual", label: t("metric.servqual") }]}
        />
      )}
      {servqual && (
        <>
          <SelectField<string>
            path={[...path, "metric", "dimension"]}
            label={t("b.sqDimension")}
            value={servqual.dimension}
            onChange={(v) => onMetric({ ...servqual, dimension: v as typeof servqual.dimension })}
            options={SERVQUAL_DIMENSIONS.map((d) => ({ value: d, label: t(`sq.${d}` as BKey) }))}
          />
          <SelectField<string>
            path={[...path, "metric", "kind"]}
            label={t("b.sqKind")}
            value={servqual.kind}
            onChange={(v) => onMetric({ ...servqual, kind: v as "expectation" | "perception" })}
            options={[
              { value: "expectation", label: t("sq.expectation") },
              { value: "perception", label: t("sq.perception") },
            ]}
          />
          <TextField path={[...path, "metric", "pairKey"]} label={t("b.sqPair")} mono value={servqual.pairKey} onChange={(v) => onMetric({ ...servqual, pairKey: v })} />
        </>
      )}
    </div>
  );
}
