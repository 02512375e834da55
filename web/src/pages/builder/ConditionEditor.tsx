/**
 * Show-if conditions chosen from earlier questions: one comparison, or all/any of several. A
 * condition nested deeper than that (possible in imported JSON) is edited as JSON.
 */
import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../../lib/i18n";
import { ErrorList, fieldId, useBuilder } from "./fields";
import { useT, type BKey } from "./messages";
import {
  fromSimple,
  localizedText,
  makeCondition,
  operatorsFor,
  simplify,
  type Condition,
  type ItemCondition,
  type Operator,
  type Path,
  type SimpleCondition,
  type Slot,
} from "./model";

export function ConditionEditor({ path, condition, slots, onChange }: { path: Path; condition: Condition | undefined; slots: Slot[]; onChange: (c: Condition | undefined) => void }) {
  const t = useT();
  const { readOnly } = useBuilder();
  const simple = simplify(condition);
  const idBase = fieldId(path);

  if (condition === undefined) {
    return (
      <div class="b-condition" id={idBase}>
        <p class="muted small">{t("cond.always")}</p>
        {!readOnly && (
          <button type="button" class="btn btn-small" disabled={slots.length === 0} onClick={() => onChange(makeCondition(slots[slots.length - 1], operatorsFor(slots[slots.length - 1]!.kind)[0]!))}>
            {t("cond.add")}
          </button>
        )}
        {slots.length === 0 && <p class="field-hint">{t("cond.noEarlier")}</p>}
        <ErrorList path={path} />
      </div>
    );
  }

  if (simple === null) return <JsonCondition path={path} condition={condition} onChange={onChange} />;
  const s = simple!;
  const setSimple = (next: SimpleCondition) => onChange(fromSimple(next));
  const rowBase = (index: number): Path => (s.mode === "single" ? path : [...path, s.mode, index]);

  return (
    <div class="b-condition" id={idBase}>
      {s.conditions.length > 1 && (
        <div class="inline-field">
          <label for={`${idBase}-mode`}>{t("cond.combine")}</label>
          <select id={`${idBase}-mode`} value={s.mode} disabled={readOnly} onChange={(e) => setSimple({ mode: e.currentTarget.value as "all" | "any", conditions: s.conditions })}>
            <option value="all">{t("cond.all")}</option>
            <option value="any">{t("cond.any")}</option>
          </select>
        </div>
      )}
      <ul class="b-cond-list">
        {s.conditions.map((c, index) => (
          <li key={index}>
            <ConditionRow
              path={rowBase(index)}
              condition={c}
              slots={slots}
              onChange={(next) => {
                const list = [...s.conditions];
                list[index] = next;
                setSimple({ mode: s.mode === "single" ? "single" : s.mode, conditions: list } as SimpleCondition);
              }}
              onRemove={() => {
                const list = s.conditions.filter((_, i) => i !== index);
                if (list.length === 0) onChange(undefined);
                else setSimple({ mode: list.length === 1 ? "single" : s.mode === "single" ? "all" : s.mode, conditions: list } as SimpleCondition);
              }}
            />
          </li>
        ))}
      </ul>
      {!readOnly && (
        <button
          type="button"
          class="btn btn-small"
          onClick={() => setSimple({ mode: s.mode === "single" ? "all" : s.mode, conditions: [...s.conditions, makeCondition(slots[slots.length - 1], "answered")] })}
        >
          {t("cond.addAnother")}
        </button>
      )}
      <ErrorList path={path} extra={s.mode === "single" ? [] : [s.mode]} />
    </div>
  );
}

const OP_KEYS: Record<Operator, BKey> = {
  equals: "op.equals",
  notEquals: "op.notEquals",
  in: "op.in",
  gt: "op.gt",
  gte: "op.gte",
  lt: "op.lt",
  lte: "op.lte",
  answered: "op.answered",
  notAnswered: "op.notAnswered",
};

function ConditionRow({ path, condition, slots, onChange, onRemove }: { path: Path; condition: ItemCondition; slots: Slot[]; onChange: (c: ItemCondition) => void; onRemove: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { defaultLanguage, readOnly } = useBuilder();
  const id = fieldId(path);
  const slot = slots.find((s) => s.id === condition.itemId);
  const ops = slot ? operatorsFor(slot.kind) : (["equals", "notEquals", "answered", "notAnswered"] as Operator[]);
  const slotLabel = (s: Slot) => {
    const text = localizedText(s.rowLabel ?? s.label, lang, defaultLanguage);
    return `${s.id} — ${text.length > 50 ? `${text.slice(0, 49)}…` : text}`;
  };
  return (
    <div class="b-cond-row">
      <div class="field">
        <label for={`${id}.itemId`}>{t("cond.question")}</label>
        <select
          id={`${id}.itemId`}
          value={condition.itemId}
          disabled={readOnly}
          onChange={(e) => {
            const next = slots.find((s) => s.id === e.currentTarget.value);
            const op = next && operatorsFor(next.kind).includes(condition.op) ? condition.op : next ? operatorsFor(next.kind)[0]! : condition.op;
            onChange(makeCondition(next, op));
          }}
        >
          {!slot && <option value={condition.itemId}>{t("cond.unknown", { id: condition.itemId || "—" })}</option>}
          {slots.map((s) => (
            <option key={s.id} value={s.id}>
              {slotLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}.op`}>{t("cond.operator")}</label>
        <select id={`${id}.op`} value={condition.op} disabled={readOnly} onChange={(e) => onChange(makeCondition(slot, e.currentTarget.value as Operator, condition))}>
          {ops.map((op) => (
            <option key={op} value={op}>
              {t(OP_KEYS[op])}
            </option>
          ))}
        </select>
      </div>
      <ValueControl id={id} condition={condition} slot={slot} onChange={onChange} />
      {!readOnly && (
        <button type="button" class="btn btn-small btn-ghost b-cond-remove" onClick={onRemove} aria-label={t("cond.remove")}>
          ✕
        </button>
      )}
      <div class="b-cond-errors">
        <ErrorList path={path} extra={["itemId", "op", "value", "values"]} />
      </div>
    </div>
  );
}

function ValueControl({ id, condition, slot, onChange }: { id: string; condition: ItemCondition; slot: Slot | undefined; onChange: (c: ItemCondition) => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { defaultLanguage, readOnly } = useBuilder();
  if (condition.op === "answered" || condition.op === "notAnswered") return <div />;
  const label = <label for={`${id}.value`}>{t("cond.value")}</label>;

  if (condition.op === "in") {
    if (slot?.options) {
      return (
        <fieldset class="field b-cond-values" id={`${id}.value`}>
          <legend class="small">{t("cond.values")}</legend>
          {slot.options.map((o) => (
            <label key={o.id} class="inline-field">
              <input
                type="checkbox"
                disabled={readOnly}
                checked={condition.values.includes(o.id)}
                onChange={(e) => {
                  const set = new Set(condition.values);
                  if (e.currentTarget.checked) set.add(o.id);
                  else set.delete(o.id);
                  const values = slot.options!.map((x) => x.id).filter((x) => set.has(x));
                  onChange({ ...condition, values: values.length ? values : condition.values });
                }}
              />
              {localizedText(o.label, lang, defaultLanguage) || o.id}
            </label>
          ))}
        </fieldset>
      );
    }
    return <NumberList id={id} values={condition.values} onChange={(values) => onChange({ ...condition, values })} />;
  }

  const value = "value" in condition ? condition.value : "";
  if (slot?.kind === "yes_no") {
    return (
      <div class="field">
        {label}
        <select id={`${id}.value`} disabled={readOnly} value={String(value)} onChange={(e) => onChange({ ...condition, value: e.currentTarget.value === "true" } as ItemCondition)}>
          <option value="true">{t("b.yes")}</option>
          <option value="false">{t("b.no")}</option>
        </select>
      </div>
    );
  }
  if (slot?.options && (condition.op === "equals" || condition.op === "notEquals")) {
    return (
      <div class="field">
        {label}
        <select id={`${id}.value`} disabled={readOnly} value={String(value)} onChange={(e) => onChange({ ...condition, value: e.currentTarget.value })}>
          {!slot.options.some((o) => o.id === value) && <option value={String(value)}>{String(value)}</option>}
          {slot.options.map((o) => (
            <option key={o.id} value={o.id}>
              {localizedText(o.label, lang, defaultLanguage) || o.id}
            </option>
          ))}
        </select>
      </div>
    );
  }
  if (slot?.kind === "text") {
    return (
      <div class="field">
        {label}
        <input id={`${id}.value`} readOnly={readOnly} value={String(value)} onInput={(e) => onChange({ ...condition, value: e.currentTarget.value } as ItemCondition)} />
      </div>
    );
  }
  return (
    <div class="field">
      {label}
      <input
        id={`${id}.value`}
        type="number"
        readOnly={readOnly}
        min={slot?.min}
        max={slot?.max}
        value={typeof value === "number" ? value : ""}
        onInput={(e) => onChange({ ...condition, value: e.currentTarget.value === "" ? Number.NaN : Number(e.currentTarget.value) } as ItemCondition)}
      />
    </div>
  );
}

function NumberList({ id, values, onChange }: { id: string; values: (string | number | boolean)[]; onChange: (v: (string | number | boolean)[]) => void }) {
  const t = useT();
  const { readOnly } = useBuilder();
  const [text, setText] = useState(values.join(", "));
  useEffect(() => setText(values.join(", ")), [values.join(",")]);
  return (
    <div class="field">
      <label for={`${id}.values`}>{t("cond.values")}</label>
      <input
        id={`${id}.values`}
        readOnly={readOnly}
        value={text}
        aria-describedby={`${id}.values-hint`}
        onInput={(e) => setText(e.currentTarget.value)}
        onBlur={() => {
          const parsed = text
            .split(/[,\s]+/)
            .filter(Boolean)
            .map((v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v));
          if (parsed.length) onChange(parsed);
        }}
      />
      <p class="field-hint" id={`${id}.values-hint`}>
        {t("cond.valuesHint")}
      </p>
    </div>
  );
}

function JsonCondition({ path, condition, onChange }: { path: Path; condition: Condition; onChange: (c: Condition | undefined) => void }) {
  const t = useT();
  const { readOnly } = useBuilder();
  const id = fieldId(path);
  const [text, setText] = useState(JSON.stringify(condition, null, 2));
  const [error, setError] = useState<string>();
  return (
    <div class="b-condition" id={id}>
      <p class="field-hint">{t("cond.nested")}</p>
      <label for={`${id}-json`}>{t("cond.json")}</label>
      <textarea
        id={`${id}-json`}
        class="mono"
        rows={6}
        readOnly={readOnly}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onBlur={() => {
          try {
            onChange(JSON.parse(text) as Condition);
            setError(undefined);
          } catch {
            setError(t("cond.jsonInvalid"));
          }
        }}
      />
      {error && <p class="field-error">{error}</p>}
      {!readOnly && (
        <button type="button" class="btn btn-small" onClick={() => onChange(undefined)}>
          {t("cond.clear")}
        </button>
      )}
      <ErrorList path={path} />
    </div>
  );
}
