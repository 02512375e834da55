/**
 * The survey builder (manager and above): edits the draft definition of one survey — languages
 * and texts side by side, pages and questions of every type, construct/metric tags, show-if
 * conditions, hidden fields and the measurement plan — with a live phone-width preview, and
 * publishes it as an immutable version. Errors come from the server's 422 problem on save and,
 * while typing, from the same schema loaded lazily on the client; both are shown where they occur.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { href, Link, navigate } from "../../lib/router";
import { can, useSession } from "../../lib/session";
import type { SurveyDetail, SurveySummary } from "../../lib/types";
import { Badge, Card, ErrorAlert, Loading, PageHeader } from "../../components/ui";
import { SurveyStatusBadge } from "../Surveys";
import { collectLocalizedTexts } from "../../../../src/domain/survey/text-walk";
import { useConfirm } from "./dialog";
import { BuilderContext, CheckField, ErrorList, fieldId, languageName, LocalizedField, NumberField, SelectField, TextField, Toolbar, useBuilder, type BuilderCtx } from "./fields";
import { isMissingRoute, readFile, saveFile } from "./http";
import { ItemEditor, TYPE_KEYS } from "./ItemEditor";
import { useT, type BKey } from "./messages";
import {
  BUILT_IN_LANGUAGES,
  changeType,
  countQuestions,
  dependentsOf,
  getIn,
  indexErrors,
  ITEM_TYPES,
  keyOf,
  localizedText,
  missingTranslations,
  moveInArray,
  moveItem,
  newItem,
  newPage,
  newPlan,
  nextId,
  planAdvisories,
  REFERENCE_SAMPLE_SIZE,
  renameReferences,
  setIn,
  slotsBefore,
  STANDARD_SEGMENTS,
  usedIds,
  type Advisory,
  type HiddenField,
  type MeasurementPlan,
  type SurveyDefinition,
  type SurveyItem,
  type SurveyItemType,
} from "./model";
import { Preview } from "./Preview";
import { SurveySettingsCard } from "./Settings";
import { SurveyTabs } from "./SurveyTabs";
import "../../styles/builder.css";

type Problem = { path: string; message: string };
type Checked = { json: string; errors: Problem[] };

let validatorPromise: Promise<typeof import("./validate")> | undefined;
export const loadValidator = () => (validatorPromise ??= import("./validate"));

export function BuilderPage({ id }: { id: string }) {
  const survey = useAsync((signal) => api<SurveyDetail>(`/api/surveys/${encodeURIComponent(id)}`, { signal }), [id]);
  const t = useT();
  return (
    <>
      <p class="crumbs">
        <Link to={`/surveys/${encodeURIComponent(id)}`}>← {t("b.backToSurvey")}</Link>
      </p>
      {survey.loading && survey.data?.id !== id && <Loading />}
      <ErrorAlert error={survey.error} onRetry={survey.reload} />
      {survey.data && survey.data.id === id && <Editor key={survey.data.id} initial={survey.data} />}
    </>
  );
}

function Editor({ initial }: { initial: SurveyDetail }) {
  const t = useT();
  const { lang } = useI18n();
  const { me } = useSession();
  const readOnly = !can(me, "surveys:write");
  const [meta, setMeta] = useState<SurveySummary & { versions: SurveyDetail["versions"] }>(initial);
  const [def, setDefState] = useState<SurveyDefinition>(initial.draftDefinition);
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(initial.draftDefinition));
  const [client, setClient] = useState<Checked | null>(null);
  const [server, setServer] = useState<Checked | null>(null);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const openKeys = useRef(new Set<string>());
  const summaryRef = useRef<HTMLDivElement>(null);
  const { confirm, element: dialog } = useConfirm();

  const json = useMemo(() => JSON.stringify(def), [def]);
  const dirty = json !== savedJson;
  const setDef = useCallback((next: SurveyDefinition | ((d: SurveyDefinition) => SurveyDefinition)) => {
    setDefState(next);
    setNotice(undefined);
  }, []);

  // Live validation with the server's schema (lazy chunk), a moment after typing stops.
  useEffect(() => {
    const handle = setTimeout(() => {
      void loadValidator().then((m) => setClient({ json, errors: m.validateDefinition(def).errors }));
    }, 250);
    return () => clearTimeout(handle);
  }, [json]);

  // Leaving with unsaved edits asks first.
  useEffect(() => {
    if (!dirty || readOnly) return;
    const handler = (e: BeforeUnloadEvent) => e.preventDefault();
    addEventListener("beforeunload", handler);
    return () => removeEventListener("beforeunload", handler);
  }, [dirty, readOnly]);

  const problems: Problem[] = useMemo(() => {
    const list = [...(client?.errors ?? [])];
    if (server && server.json === json) list.push(...server.errors);
    return list;
  }, [client, server, json]);
  const errors = useMemo(() => indexErrors(problems), [problems]);
  const missing = useMemo(() => missingTranslations(def), [def]);
  const advisories = useMemo(() => planAdvisories(def), [def]);
  const ctx: BuilderCtx = useMemo(() => ({ errors, languages: def.languages, defaultLanguage: def.defaultLanguage, readOnly }), [errors, def.languages, def.defaultLanguage, readOnly]);
  const set = (path: (string | number)[], value: unknown) => setDef((d) => setIn(d, path, value));

  async function save(): Promise<boolean> {
    setBusy("save");
    setError(undefined);
    setNotice(undefined);
    const snapshot = json;
    try {
      const summary = await api<SurveySummary>(`/api/surveys/${encodeURIComponent(meta.id)}/draft`, { method: "PUT", body: { definition: def } });
      setMeta((m) => ({ ...m, ...summary }));
      setSavedJson(snapshot);
      setServer(null);
      setNotice(t("b.saved"));
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.problem.errors?.length) {
        setServer({ json: snapshot, errors: e.problem.errors.map((x) => ({ path: x.field, message: x.message })) });
        setError(new ApiError({ ...e.problem, errors: undefined }));
        requestAnimationFrame(() => summaryRef.current?.focus());
      } else setError(e);
      return false;
    } finally {
      setBusy(undefined);
    }
  }

  async function statusAction(action: "publish" | "close" | "reopen") {
    if (action === "publish" && dirty && !(await save())) return;
    setBusy(action);
    setError(undefined);
    setNotice(undefined);
    try {
      const summary = await api<SurveySummary>(`/api/surveys/${encodeURIComponent(meta.id)}/${action}`, { method: "POST" });
      const detail = await api<SurveyDetail>(`/api/surveys/${encodeURIComponent(meta.id)}`);
      setMeta({ ...detail, ...summary, versions: detail.versions });
      setNotice(action === "publish" ? t("b.published", { version: summary.publishedVersion ?? "—" }) : action === "close" ? t("b.closed") : t("b.reopened"));
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.problem.errors?.length) {
        setServer({ json, errors: e.problem.errors.map((x) => ({ path: x.field, message: x.message })) });
      }
      setError(e);
    } finally {
      setBusy(undefined);
    }
  }

  function publish() {
    if (problems.length) {
      setError(new Error(t("b.fixBeforePublish", { n: problems.length })));
      summaryRef.current?.focus();
      return;
    }
    confirm({
      title: meta.publishedVersion ? t("b.publishAgainTitle", { version: (meta.publishedVersion ?? 0) + 1 }) : t("b.publishTitle"),
      body: (
        <>
          <p>{t("b.publishBody")}</p>
          {missing.length > 0 && <p class="alert alert-warn">{t("b.publishMissing", { n: missing.length })}</p>}
          {advisories.length > 0 && <p class="alert alert-warn">{t("b.publishAdvisories", { n: advisories.length })}</p>}
        </>
      ),
      confirmLabel: t("b.publish"),
      onConfirm: () => statusAction("publish"),
    });
  }

  // ----- structure edits -----
  const taken = useMemo(() => usedIds(def), [def]);

  function addItem(pageIndex: number, type: SurveyItemType) {
    const item = newItem(type, new Set(taken));
    openKeys.current.add(keyOf(item));
    setDef((d) => setIn(d, ["pages", pageIndex, "items"], [...d.pages[pageIndex]!.items, item]));
    const path = `pages.${pageIndex}.items.${def.pages[pageIndex]!.items.length}.label.${def.defaultLanguage}`;
    requestAnimationFrame(() => document.getElementById(fieldId(path))?.focus());
  }

  function duplicateItem(pageIndex: number, itemIndex: number) {
    const source = def.pages[pageIndex]!.items[itemIndex]!;
    const ids = new Set(taken);
    const copy = JSON.parse(JSON.stringify(source)) as SurveyItem;
    copy.id = nextId(ids, source.id.replace(/_\d+$/, ""));
    ids.add(copy.id);
    if (copy.type === "matrix") copy.rows = copy.rows.map((row) => ({ ...row, id: (() => { const id = nextId(ids, row.id.replace(/_\d+$/, "")); ids.add(id); return id; })() }));
    openKeys.current.add(keyOf(copy));
    const items = [...def.pages[pageIndex]!.items];
    items.splice(itemIndex + 1, 0, copy);
    setDef((d) => setIn(d, ["pages", pageIndex, "items"], items));
  }

  function deleteItem(pageIndex: number, itemIndex: number, number: number) {
    const item = def.pages[pageIndex]!.items[itemIndex]!;
    const ids = item.type === "matrix" ? [item.id, ...item.rows.map((r) => r.id)] : [item.id];
    const dependents = dependentsOf(def, ids).filter((d) => d.itemId !== item.id);
    const lastOnPage = def.pages[pageIndex]!.items.length === 1;
    confirm({
      title: t("b.deleteQuestionTitle", { n: number }),
      body: (
        <>
          <p>
            <strong>{localizedText(item.label, lang, def.defaultLanguage) || item.id}</strong> (<code>{item.id}</code>)
          </p>
          {meta.publishedVersion !== null && <p>{t("b.deletePublishedNote")}</p>}
          {dependents.length > 0 && <p class="alert alert-warn">{t("b.deleteDependents", { list: dependents.map((d) => d.itemId).join(", ") })}</p>}
          {lastOnPage && def.pages.length > 1 && <p>{t("b.deleteLastOnPage")}</p>}
        </>
      ),
      confirmLabel: t("b.delete"),
      danger: true,
      onConfirm: () =>
        setDef((d) => {
          if (d.pages[pageIndex]!.items.length === 1 && d.pages.length > 1) return setIn(d, ["pages"], d.pages.filter((_, i) => i !== pageIndex));
          return setIn(d, ["pages", pageIndex, "items"], d.pages[pageIndex]!.items.filter((_, i) => i !== itemIndex));
        }),
    });
  }

  function deletePage(pageIndex: number) {
    const page = def.pages[pageIndex]!;
    confirm({
      title: t("b.deletePageTitle", { n: pageIndex + 1 }),
      body: <p>{t("b.deletePageBody", { n: page.items.length })}</p>,
      confirmLabel: t("b.delete"),
      danger: true,
      onConfirm: () => setDef((d) => setIn(d, ["pages"], d.pages.filter((_, i) => i !== pageIndex))),
    });
  }

  function renameItem(oldId: string, newId: string) {
    setDef((d) => {
      // Find the question, matrix row or Kano question carrying oldId and retype it, then follow references.
      let next = d;
      d.pages.forEach((page, p) =>
        page.items.forEach((item, i) => {
          if (item.id === oldId) next = setIn(next, ["pages", p, "items", i, "id"], newId);
          if (item.type === "matrix") item.rows.forEach((row, r) => row.id === oldId && (next = setIn(next, ["pages", p, "items", i, "rows", r, "id"], newId)));
          if (item.type === "kano") for (const role of ["functional", "dysfunctional"] as const) if (item[role].id === oldId) next = setIn(next, ["pages", p, "items", i, role, "id"], newId);
        }),
      );
      return renameReferences(next, oldId, newId);
    });
  }

  // ----- import / export / duplicate -----
  async function exportJson() {
    setError(undefined);
    let body: unknown;
    try {
      body = await api<unknown>(`/api/surveys/${encodeURIComponent(meta.id)}/export`);
    } catch (e) {
      if (!isMissingRoute(e)) return setError(e);
      // Older servers: the definition itself is the documented, versioned format.
      body = def;
    }
    if (dirty) setNotice(t("b.exportedSaved"));
    saveFile(`${meta.slug}.survey.json`, `${JSON.stringify(body, null, 2)}\n`, "application/json");
  }

  async function importJson(file: File) {
    setError(undefined);
    setNotice(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file));
    } catch {
      setError(new Error(t("b.importNotJson")));
      return;
    }
    const candidate = extractDefinition(parsed);
    const { validateDefinition } = await loadValidator();
    const result = validateDefinition(candidate);
    if (!result.ok) {
      setError(new ApiError({ type: "about:blank", title: t("b.importInvalid"), status: 422, detail: t("b.importInvalidDetail", { n: result.errors.length }), errors: result.errors.slice(0, 20).map((e) => ({ field: e.path, code: "invalid", message: e.message })) }));
      return;
    }
    confirm({
      title: t("b.importTitle"),
      body: <p>{t("b.importBody", { file: file.name, pages: (candidate as SurveyDefinition).pages.length, items: countQuestions(candidate as SurveyDefinition) })}</p>,
      confirmLabel: t("b.importReplace"),
      onConfirm: () => {
        setDef(candidate as SurveyDefinition);
        setNotice(t("b.imported"));
      },
    });
  }

  function duplicateSurvey() {
    confirm({
      title: t("b.duplicateTitle"),
      body: <DuplicateForm slug={`${meta.slug}-copy`.slice(0, 63)} />,
      confirmLabel: t("b.duplicate"),
      onConfirm: async () => {
        const slug = (document.getElementById("dup-slug") as HTMLInputElement | null)?.value.trim() ?? "";
        setBusy("duplicate");
        setError(undefined);
        try {
          let created: SurveySummary;
          try {
            created = await api<SurveySummary>(`/api/surveys/${encodeURIComponent(meta.id)}/duplicate`, { method: "POST", body: { slug } });
          } catch (e) {
            if (!isMissingRoute(e)) throw e;
            created = await api<SurveySummary>("/api/surveys", {
              method: "POST",
              body: { slug, definition: JSON.parse(savedJson), accessMode: meta.accessMode, anonymous: meta.anonymous, responseQuota: meta.responseQuota ?? undefined },
            });
          }
          navigate(href(`/surveys/${encodeURIComponent(created.id)}/builder`));
        } catch (e) {
          setError(e);
        } finally {
          setBusy(undefined);
        }
      },
    });
  }

  let questionNumber = 0;
  const title = localizedText(def.title, lang, def.defaultLanguage) || meta.title;

  return (
    <BuilderContext.Provider value={ctx}>
      <PageHeader
        title={t("b.title", { title })}
        subtitle={
          <>
            <SurveyStatusBadge status={meta.status} /> <code>{meta.slug}</code>
            {meta.publishedVersion !== null && <> · {t("b.versionLive", { n: meta.publishedVersion })}</>}
          </>
        }
      />
      <SurveyTabs id={meta.id} current="builder" />
      <div class="b-statusbar" role="region" aria-label={t("b.actions")}>
        <p class="b-state" aria-live="polite" data-testid="builder-state">
          {readOnly ? (
            <Badge tone="muted">{t("b.readOnly")}</Badge>
          ) : busy === "save" ? (
            t("b.saving")
          ) : dirty ? (
            <Badge tone="warn">{t("b.unsaved")}</Badge>
          ) : (
            <Badge tone="ok">{t("b.allSaved")}</Badge>
          )}{" "}
          {problems.length > 0 && <Badge tone="bad">{t("b.problems", { n: problems.length })}</Badge>}{" "}
          {missing.length > 0 && <Badge tone="warn">{t("b.missingCount", { n: missing.length })}</Badge>}
        </p>
        {!readOnly && (
          <div class="btn-row">
            <button type="button" class="btn btn-primary" disabled={!!busy || !dirty} onClick={() => void save()} data-testid="builder-save">
              {t("b.saveDraft")}
            </button>
            {can(me, "surveys:publish") && (
              <button type="button" class="btn" disabled={!!busy} onClick={publish} data-testid="builder-publish">
                {meta.status === "draft" ? t("b.publish") : t("b.publishNew")}
              </button>
            )}
            {can(me, "surveys:publish") && meta.status === "published" && (
              <button type="button" class="btn" disabled={!!busy} onClick={() => void statusAction("close")}>
                {t("b.close")}
              </button>
            )}
            {can(me, "surveys:publish") && meta.status === "closed" && (
              <button type="button" class="btn" disabled={!!busy} onClick={() => void statusAction("reopen")}>
                {t("b.reopen")}
              </button>
            )}
            <button type="button" class="btn" disabled={!!busy} onClick={duplicateSurvey}>
              {t("b.duplicateSurvey")}
            </button>
            <button type="button" class="btn" onClick={() => void exportJson()}>
              {t("b.export")}
            </button>
            <label class="btn b-file">
              {t("b.import")}
              <input
                type="file"
                accept="application/json,.json"
                class="visually-hidden"
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  e.currentTarget.value = "";
                  if (file) void importJson(file);
                }}
              />
            </label>
          </div>
        )}
      </div>
      {notice && (
        <p class="alert alert-ok" role="status">
          {notice}
        </p>
      )}
      <ErrorAlert error={error} />
      <ErrorSummary refEl={summaryRef} problems={problems} def={def} />

      <div class="b-layout">
        <div class="b-editor">
          {meta.publishedVersion !== null && !readOnly && <p class="alert alert-info">{t("b.draftNote", { n: meta.publishedVersion })}</p>}
          <Card title={t("b.surveyTexts")} id="b-texts">
            <LanguageSettings def={def} setDef={setDef} />
            <LocalizedField path={["title"]} label={t("b.surveyTitle")} text={def.title} onChange={(v) => set(["title"], v ?? {})} />
            <LocalizedField path={["description"]} label={t("b.description")} optional multiline text={def.description} onChange={(v) => set(["description"], v)} />
            <LocalizedField path={["thankYou"]} label={t("b.thankYou")} optional multiline text={def.thankYou} onChange={(v) => set(["thankYou"], v)} />
          </Card>

          <TranslationsCard def={def} missing={missing} />

          <PlanCard def={def} advisories={advisories} onChange={(plan) => set(["measurementPlan"], plan)} />

          <HiddenFieldsCard fields={def.hiddenFields ?? []} taken={taken} onChange={(fields) => set(["hiddenFields"], fields)} />

          <section aria-labelledby="b-pages-title" class="stack">
            <h2 id="b-pages-title">{t("b.pages", { n: def.pages.length, q: countQuestions(def) })}</h2>
            <ErrorList path={["pages"]} />
            {def.pages.map((page, pageIndex) => (
              <Card key={keyOf(page)} class="b-page" id={fieldId(["pages", pageIndex])} title={t("b.pageN", { n: pageIndex + 1 })} actions={
                !readOnly && (
                  <Toolbar label={t("b.pageActions", { n: pageIndex + 1 })}>
                    <button type="button" class="btn btn-small" disabled={pageIndex === 0} onClick={() => set(["pages"], moveInArray(def.pages, pageIndex, pageIndex - 1))} aria-label={t("b.movePageUp", { n: pageIndex + 1 })}>
                      ↑
                    </button>
                    <button type="button" class="btn btn-small" disabled={pageIndex === def.pages.length - 1} onClick={() => set(["pages"], moveInArray(def.pages, pageIndex, pageIndex + 1))} aria-label={t("b.movePageDown", { n: pageIndex + 1 })}>
                      ↓
                    </button>
                    <button type="button" class="btn btn-small btn-danger" disabled={def.pages.length <= 1} onClick={() => deletePage(pageIndex)}>
                      {t("b.deletePage")}
                    </button>
                  </Toolbar>
                )
              }>
                <ErrorList path={["pages", pageIndex]} extra={["items"]} />
                <div class="b-page-fields">
                  <TextField path={["pages", pageIndex, "id"]} label={t("b.pageId")} mono maxLength={64} value={page.id} onChange={(v) => set(["pages", pageIndex, "id"], v)} class="b-id-field" />
                  <LocalizedField path={["pages", pageIndex, "title"]} label={t("b.pageTitle")} optional text={page.title} onChange={(v) => set(["pages", pageIndex, "title"], v)} />
                  <LocalizedField path={["pages", pageIndex, "description"]} label={t("b.pageDescription")} optional multiline text={page.description} onChange={(v) => set(["pages", pageIndex, "description"], v)} />
                </div>
                <div class="b-items">
                  {page.items.map((item, itemIndex) => {
                    const number = ++questionNumber;
                    const path = ["pages", pageIndex, "items", itemIndex];
                    const first = pageIndex === 0 && itemIndex === 0;
                    const last = pageIndex === def.pages.length - 1 && itemIndex === page.items.length - 1;
                    return (
                      <ItemEditor
                        key={keyOf(item)}
                        item={item}
                        path={path}
                        number={number}
                        slots={slotsBefore(def, pageIndex, itemIndex)}
                        taken={taken}
                        canMoveUp={!first && (itemIndex > 0 || page.items.length > 1)}
                        canMoveDown={!last && (itemIndex < page.items.length - 1 || page.items.length > 1)}
                        initiallyOpen={openKeys.current.has(keyOf(item))}
                        onChange={(next) => set(path, next)}
                        onRename={renameItem}
                        onChangeType={(type) => set(path, changeType(item, type, new Set(taken)))}
                        onMove={(direction) => {
                          const moved = moveItem(def, pageIndex, itemIndex, direction);
                          setDef(moved.def);
                          requestAnimationFrame(() => document.getElementById(`${fieldId(["pages", moved.pageIndex, "items", moved.itemIndex])}-heading`)?.querySelector("button")?.focus());
                        }}
                        onDuplicate={() => duplicateItem(pageIndex, itemIndex)}
                        onDelete={() => deleteItem(pageIndex, itemIndex, number)}
                      />
                    );
                  })}
                </div>
                {!readOnly && <AddQuestion pageIndex={pageIndex} onAdd={(type) => addItem(pageIndex, type)} />}
              </Card>
            ))}
            {!readOnly && (
              <p>
                <button
                  type="button"
                  class="btn"
                  onClick={() => {
                    const page = newPage(def);
                    openKeys.current.add(keyOf(page.items[0]!));
                    set(["pages"], [...def.pages, page]);
                  }}
                >
                  {t("b.addPage")}
                </button>
              </p>
            )}
          </section>

          <SurveySettingsCard survey={meta} readOnly={readOnly} onSaved={(summary) => setMeta((m) => ({ ...m, ...summary }))} />
        </div>
        <aside class="b-aside">
          <Preview def={def} />
        </aside>
      </div>
      {dialog}
    </BuilderContext.Provider>
  );
}

/** Accepts the export envelope (`{ definition, … }`) or a bare definition. */
export function extractDefinition(value: unknown): unknown {
  if (value && typeof value === "object" && "definition" in value && (value as { definition?: unknown }).definition && typeof (value as { definition: unknown }).definition === "object") {
    return (value as { definition: unknown }).definition;
  }
  return value;
}

function DuplicateForm({ slug }: { slug: string }) {
  const t = useT();
  return (
    <div class="field">
      <label for="dup-slug">{t("b.newSlug")}</label>
      <input id="dup-slug" defaultValue={slug} pattern="[a-z0-9][a-z0-9-]{1,62}" autocomplete="off" />
      <p class="field-hint">{t("b.slugHint")}</p>
    </div>
  );
}

function AddQuestion({ pageIndex, onAdd }: { pageIndex: number; onAdd: (type: SurveyItemType) => void }) {
  const t = useT();
  const [type, setType] = useState<SurveyItemType>("rating");
  const id = `b-add-${pageIndex}`;
  return (
    <div class="b-add">
      <label for={id}>{t("b.newQuestionType")}</label>
      <select id={id} value={type} onChange={(e) => setType(e.currentTarget.value as SurveyItemType)}>
        {ITEM_TYPES.map((x) => (
          <option key={x} value={x}>
            {t(TYPE_KEYS[x])}
          </option>
        ))}
      </select>
      <button type="button" class="btn btn-small btn-primary" onClick={() => onAdd(type)} data-testid={`add-question-${pageIndex}`}>
        {t("b.addQuestion")}
      </button>
    </div>
  );
}

/** Readable location of an error path: "Page 2 › Question 5 (sat_overall) › label [en]". */
function describePath(def: SurveyDefinition, path: string, t: ReturnType<typeof useT>): string {
  const parts = path.split(".");
  const out: string[] = [];
  let i = 0;
  if (parts[0] === "pages" && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    const p = Number(parts[1]);
    out.push(t("b.pageN", { n: p + 1 }));
    i = 2;
    if (parts[2] === "items" && parts[3] !== undefined) {
      const itemIndex = Number(parts[3]);
      let n = 0;
      def.pages.forEach((page, pi) => page.items.forEach((_, ii) => (pi < p || (pi === p && ii <= itemIndex)) && n++));
      const item = getIn(def, ["pages", p, "items", itemIndex]) as SurveyItem | undefined;
      out.push(`${t("b.questionN", { n })}${item ? ` (${item.id})` : ""}`);
      i = 4;
    }
  } else if (parts[0] === "hiddenFields" && parts[1] !== undefined) {
    out.push(t("b.hiddenFieldN", { n: Number(parts[1]) + 1 }));
    i = 2;
  } else if (parts[0] === "measurementPlan") {
    out.push(t("b.plan"));
    i = 1;
  }
  const rest = parts.slice(i);
  if (rest.length) out.push(rest.join("."));
  return out.join(" › ") || t("b.surveyLevel");
}

function ErrorSummary({ problems, def, refEl }: { problems: Problem[]; def: SurveyDefinition; refEl: { current: HTMLDivElement | null } }) {
  const t = useT();
  if (!problems.length) return null;
  const seen = new Set<string>();
  const list = problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return (
    <div class="alert alert-error b-summary" role="alert" tabIndex={-1} ref={refEl} id="b-error-summary" data-testid="builder-errors">
      <h2>{t("b.summaryTitle", { n: list.length })}</h2>
      <ul>
        {list.slice(0, 30).map((p) => {
          const path = p.path.replace(/^(body\.)?definition\.?/, "").replace(/\[(\d+)\]/g, ".$1");
          return (
            <li key={`${p.path}${p.message}`}>
              <a
                href={`#${fieldId(path)}`}
                onClick={(e) => {
                  e.preventDefault();
                  focusPath(path);
                }}
              >
                {describePath(def, path, t)}
              </a>
              : {p.message}
            </li>
          );
        })}
      </ul>
      {list.length > 30 && <p>{t("b.moreErrors", { n: list.length - 30 })}</p>}
    </div>
  );
}

/** Focuses the control for a path, or the nearest container that exists. */
export function focusPath(path: string) {
  const parts = path.split(".");
  for (let n = parts.length; n > 0; n--) {
    const el = document.getElementById(fieldId(parts.slice(0, n).join(".")));
    if (!el) continue;
    const target = el.matches("input, select, textarea, button") ? el : el.querySelector<HTMLElement>("input, select, textarea, button");
    el.scrollIntoView({ block: "center" });
    (target ?? el).focus({ preventScroll: true });
    return;
  }
}

function LanguageSettings({ def, setDef }: { def: SurveyDefinition; setDef: (fn: (d: SurveyDefinition) => SurveyDefinition) => void }) {
  const t = useT();
  const { readOnly } = useBuilder();
  const all = [...new Set([...BUILT_IN_LANGUAGES, ...def.languages])];
  const { confirm, element } = useConfirm();
  const toggle = (language: string, on: boolean) => {
    if (on) return setDef((d) => ({ ...d, languages: [...d.languages, language] }));
    const count = collectLocalizedTexts(def).filter((e) => e.text[language]).length;
    const remove = () => setDef((d) => stripLanguage({ ...d, languages: d.languages.filter((l) => l !== language) }, language));
    if (count === 0) return remove();
    confirm({ title: t("b.removeLanguageTitle", { lang: languageName(language) }), body: <p>{t("b.removeLanguageBody", { n: count })}</p>, confirmLabel: t("b.remove"), danger: true, onConfirm: remove });
  };
  return (
    <div class="b-langs">
      <fieldset id={fieldId("languages")}>
        <legend>{t("b.languages")}</legend>
        <div class="btn-row">
          {all.map((language) => (
            <label key={language} class="inline-field">
              <input
                type="checkbox"
                disabled={readOnly || language === def.defaultLanguage}
                checked={def.languages.includes(language)}
                onChange={(e) => toggle(language, e.currentTarget.checked)}
              />
              {languageName(language)}
            </label>
          ))}
        </div>
        <ErrorList path={["languages"]} />
      </fieldset>
      <SelectField<string>
        path={["defaultLanguage"]}
        label={t("b.defaultLanguageLabel")}
        hint={t("b.defaultLanguageHint")}
        value={def.defaultLanguage}
        onChange={(v) => setDef((d) => ({ ...d, defaultLanguage: v }))}
        options={def.languages.map((l) => ({ value: l, label: languageName(l) }))}
      />
      {element}
    </div>
  );
}

function stripLanguage(def: SurveyDefinition, language: string): SurveyDefinition {
  let next = def;
  for (const { path, text } of collectLocalizedTexts(def)) {
    if (text[language] === undefined) continue;
    const copy = { ...text };
    delete copy[language];
    next = setIn(next, path, copy);
  }
  return next;
}

function TranslationsCard({ def, missing }: { def: SurveyDefinition; missing: { path: string; language: string }[] }) {
  const t = useT();
  if (def.languages.length < 2) return null;
  return (
    <Card title={t("b.translations")} id="b-translations" class={missing.length ? "card-warn" : undefined}>
      {missing.length === 0 ? (
        <p class="text-ok">{t("b.translationsComplete", { langs: def.languages.map(languageName).join(", ") })}</p>
      ) : (
        <>
          <p>{t("b.translationsMissing", { n: missing.length })}</p>
          <details>
            <summary>{t("b.showMissing")}</summary>
            <ul class="compact-list" data-testid="missing-translations">
              {missing.slice(0, 100).map((m) => (
                <li key={`${m.path}.${m.language}`}>
                  <a
                    href={`#${fieldId(`${m.path}.${m.language}`)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      focusPath(`${m.path}.${m.language}`);
                    }}
                  >
                    {describePath(def, m.path, t)}
                  </a>{" "}
                  <Badge tone="warn">{m.language}</Badge>
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </Card>
  );
}

const ADVISORY_KEYS: Record<Advisory, BKey> = {
  no_plan: "plan.adv.no_plan",
  no_benchmark: "plan.adv.no_benchmark",
  former_customers: "plan.adv.former_customers",
  small_sample: "plan.adv.small_sample",
  satisfaction_without_loyalty: "plan.adv.satisfaction_without_loyalty",
};

function PlanCard({ def, advisories, onChange }: { def: SurveyDefinition; advisories: Advisory[]; onChange: (p: MeasurementPlan | undefined) => void }) {
  const t = useT();
  const plan = def.measurementPlan;
  const set = (path: string[], value: unknown) => plan && onChange(setIn(plan, path, value));
  const base = ["measurementPlan"];
  return (
    <Card title={t("plan.title")} id="b-plan">
      <p class="field-hint">{t("plan.intro")}</p>
      <CheckField path={["measurementPlan", "enabled"]} label={t("plan.enable")} checked={!!plan} onChange={(on) => onChange(on ? newPlan() : undefined)} />
      {plan && (
        <>
          <div class="grid grid-2">
            <TextField path={[...base, "purpose"]} label={t("plan.purpose")} hint={t("plan.purposeHint")} multiline maxLength={2000} value={plan.purpose} onChange={(v) => set(["purpose"], v)} />
            <TextField path={[...base, "targetCustomers"]} label={t("plan.targetCustomers")} hint={t("plan.targetCustomersHint")} multiline maxLength={2000} value={plan.targetCustomers} onChange={(v) => set(["targetCustomers"], v)} />
          </div>
          <div class="form-grid">
            <NumberField
              path={[...base, "samplingPlan", "targetN"]}
              label={t("plan.targetN")}
              hint={t("plan.targetNHint", { n: REFERENCE_SAMPLE_SIZE })}
              min={1}
              value={plan.samplingPlan?.targetN}
              onChange={(v) => set(["samplingPlan", "targetN"], v)}
            />
            <TextField path={[...base, "samplingPlan", "method"]} label={t("plan.method")} maxLength={2000} value={plan.samplingPlan?.method} onChange={(v) => set(["samplingPlan", "method"], v || undefined)} />
            <NumberField path={[...base, "benchmarkIndex"]} label={t("plan.benchmark")} hint={t("plan.benchmarkHint")} min={0} max={100} step={0.1} value={plan.benchmarkIndex} onChange={(v) => set(["benchmarkIndex"], v)} />
            <TextField path={[...base, "benchmarkSource"]} label={t("plan.benchmarkSource")} maxLength={500} value={plan.benchmarkSource} onChange={(v) => set(["benchmarkSource"], v || undefined)} />
          </div>
          <CheckField path={[...base, "includesFormerCustomers"]} label={t("plan.former")} hint={t("plan.formerHint")} checked={plan.includesFormerCustomers} onChange={(v) => set(["includesFormerCustomers"], v)} />
          <ErrorList path={base} extra={["samplingPlan"]} />
        </>
      )}
      {advisories.length > 0 && (
        <div class="alert alert-warn" data-testid="plan-advisories">
          <p>
            <strong>{t("plan.pitfalls")}</strong>
          </p>
          <ul>
            {advisories.map((a) => (
              <li key={a}>{t(ADVISORY_KEYS[a], { n: REFERENCE_SAMPLE_SIZE })}</li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}

function HiddenFieldsCard({ fields, taken, onChange }: { fields: HiddenField[]; taken: Set<string>; onChange: (f: HiddenField[]) => void }) {
  const t = useT();
  const { readOnly } = useBuilder();
  const setField = (index: number, key: string, value: unknown) =>
    onChange(
      fields.map((f, i) => {
        if (i !== index) return f;
        const next = { ...f } as Record<string, unknown>;
        if (value === undefined) delete next[key];
        else next[key] = value;
        return next as HiddenField;
      }),
    );
  return (
    <Card title={t("hidden.title")} id="b-hidden">
      <p class="field-hint">{t("hidden.intro")}</p>
      <ErrorList path={["hiddenFields"]} />
      {fields.length === 0 && <p class="muted">{t("hidden.none")}</p>}
      <ol class="b-sublist">
        {fields.map((field, index) => {
          const path = ["hiddenFields", index];
          const segment = field.segment ?? "";
          const custom = segment.startsWith("custom:");
          return (
            <li key={index} class="b-subrow b-hidden-row">
              <div class="form-grid">
                <TextField path={[...path, "id"]} label={t("hidden.id")} mono maxLength={64} value={field.id} onChange={(v) => setField(index, "id", v)} />
                <TextField path={[...path, "label"]} label={t("hidden.label")} maxLength={200} value={field.label} onChange={(v) => setField(index, "label", v || undefined)} />
                <SelectField<string>
                  path={[...path, "segment"]}
                  label={t("hidden.segment")}
                  value={custom ? "custom" : segment}
                  onChange={(v) => setField(index, "segment", v === "" ? undefined : v === "custom" ? `custom:${field.id}` : v)}
                  options={[{ value: "", label: t("b.none") }, ...STANDARD_SEGMENTS.map((s) => ({ value: s, label: t(`segment.${s}` as BKey) })), { value: "custom", label: t("hidden.customSegment") }]}
                />
                {custom && <TextField path={[...path, "segmentName"]} label={t("b.customName")} mono maxLength={48} value={segment.slice(7)} onChange={(v) => setField(index, "segment", `custom:${v}`)} />}
                <AllowedValues path={[...path, "allowedValues"]} values={field.allowedValues} onChange={(v) => setField(index, "allowedValues", v)} />
              </div>
              {!readOnly && (
                <button type="button" class="btn btn-small btn-danger" onClick={() => onChange(fields.filter((_, i) => i !== index))} aria-label={t("hidden.removeN", { id: field.id })}>
                  {t("b.remove")}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {!readOnly && (
        <button type="button" class="btn btn-small" disabled={fields.length >= 20} onClick={() => onChange([...fields, { id: nextId(taken, "field") }])}>
          {t("hidden.add")}
        </button>
      )}
    </Card>
  );
}

function AllowedValues({ path, values, onChange }: { path: (string | number)[]; values: string[] | undefined; onChange: (v: string[] | undefined) => void }) {
  const t = useT();
  const [text, setText] = useState((values ?? []).join(", "));
  const joined = (values ?? []).join(", ");
  useEffect(() => {
    if (text.split(",").map((s) => s.trim()).filter(Boolean).join(", ") !== joined) setText(joined);
  }, [joined]);
  return (
    <TextField
      path={path}
      label={t("hidden.allowed")}
      hint={t("hidden.allowedHint")}
      value={text}
      onChange={(v) => {
        setText(v);
        const list = [...new Set(v.split(",").map((s) => s.trim()).filter(Boolean))];
        onChange(list.length ? list : undefined);
      }}
    />
  );
}
