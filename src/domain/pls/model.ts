/**
 * PLS path model specification (the shape the app stores and the CLI reads) and its validation.
 */

/** Mode A: reflective (correlation weights). Mode B: formative (regression weights). */
export type MeasurementMode = "A" | "B";

/**
 * A path model: constructs → their item ids (in order), directed structural paths, optional modes
 * (default A). Same shape as the CLI's model file:
 * `{ "constructs": { "Name": ["item", …] }, "paths": [["From","To"], …], "modes": {"Name":"A"} }`.
 */
export interface PlsModelSpec {
  readonly constructs: Readonly<Record<string, readonly string[]>>;
  readonly paths: ReadonlyArray<readonly [from: string, to: string]>;
  readonly modes?: Readonly<Record<string, MeasurementMode>>;
}

export type PlsModelIssueCode =
  | "INVALID_SPEC"
  | "EMPTY_MODEL"
  | "CONSTRUCT_WITHOUT_ITEMS"
  | "DUPLICATE_ITEM"
  | "UNKNOWN_ITEM"
  | "UNKNOWN_CONSTRUCT"
  | "DUPLICATE_PATH"
  | "SELF_LOOP"
  | "CYCLE"
  | "INVALID_MODE";

export interface PlsModelIssue {
  code: PlsModelIssueCode;
  message: string;
}

/** Every problem found in a model spec, so a user can fix them all in one go. */
export class PlsModelError extends Error {
  readonly code: PlsModelIssueCode;
  readonly issues: readonly PlsModelIssue[];

  constructor(issues: readonly PlsModelIssue[]) {
    super(`invalid PLS model: ${issues.map((issue) => issue.message).join("; ")}`);
    this.name = "PlsModelError";
    this.code = issues[0].code;
    this.issues = issues;
  }
}

/** Index-based form of a validated spec used by the estimator. */
export interface CompiledPlsModel {
  readonly constructs: readonly string[];
  /** All items, block by block, in construct order. */
  readonly items: readonly string[];
  /** Item positions (into `items`) of each construct's block. */
  readonly blocks: ReadonlyArray<readonly number[]>;
  /** Construct index of each item. */
  readonly itemConstruct: readonly number[];
  readonly modes: readonly MeasurementMode[];
  readonly paths: ReadonlyArray<readonly [from: number, to: number]>;
  readonly predecessors: ReadonlyArray<readonly number[]>;
  readonly successors: ReadonlyArray<readonly number[]>;
  /** Constructs ordered so that every path goes forward. */
  readonly topologicalOrder: readonly number[];
  readonly spec: PlsModelSpec;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Validates a spec (optionally against the item ids the data provides) and compiles it.
 * Throws PlsModelError listing: constructs without items, items used twice, items missing from
 * the data, paths naming unknown constructs, duplicate paths, self-loops, cycles, bad modes.
 */
export function compilePlsModel(spec: PlsModelSpec, availableItems?: Iterable<string>): CompiledPlsModel {
  const issues: PlsModelIssue[] = [];
  const add = (code: PlsModelIssueCode, message: string) => issues.push({ code, message });

  if (typeof spec !== "object" || spec === null || typeof spec.constructs !== "object" || spec.constructs === null || Array.isArray(spec.constructs)) {
    throw new PlsModelError([{ code: "INVALID_SPEC", message: 'model needs a "constructs" object mapping names to item lists' }]);
  }
  if (!Array.isArray(spec.paths)) {
    throw new PlsModelError([{ code: "INVALID_SPEC", message: 'model needs a "paths" array of [from, to] pairs' }]);
  }

  const constructs = Object.keys(spec.constructs);
  if (constructs.length === 0) add("EMPTY_MODEL", "model has no constructs");
  const constructIndex = new Map(constructs.map((name, index) => [name, index]));
  const available = availableItems ? new Set(availableItems) : null;

  const items: string[] = [];
  const blocks: number[][] = [];
  const itemConstruct: number[] = [];
  const itemOwner = new Map<string, string>();
  constructs.forEach((name, constructPosition) => {
    const raw: unknown = spec.constructs[name];
    // A bare string is accepted as a single-item block (the reference fixtures write them so).
    const list: unknown[] = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw : [];
    if (!Array.isArray(raw) && typeof raw !== "string") {
      add("INVALID_SPEC", `construct "${name}": items must be a list of item ids, got ${describe(raw)}`);
    }
    const block: number[] = [];
    if (list.length === 0) add("CONSTRUCT_WITHOUT_ITEMS", `construct "${name}" has no items`);
    for (const item of list) {
      if (typeof item !== "string" || item === "") {
        add("INVALID_SPEC", `construct "${name}": item ids must be non-empty strings, got ${describe(item)}`);
        continue;
      }
      const owner = itemOwner.get(item);
      if (owner !== undefined) {
        add(
          "DUPLICATE_ITEM",
          owner === name ? `item "${item}" is listed twice in construct "${name}"` : `item "${item}" is used by both "${owner}" and "${name}"`,
        );
        continue;
      }
      if (available && !available.has(item)) add("UNKNOWN_ITEM", `construct "${name}": item "${item}" is not in the data`);
      itemOwner.set(item, name);
      block.push(items.length);
      items.push(item);
      itemConstruct.push(constructPosition);
    }
    blocks.push(block);
  });

  const modes: MeasurementMode[] = constructs.map(() => "A");
  if (spec.modes !== undefined) {
    if (typeof spec.modes !== "object" || spec.modes === null) {
      add("INVALID_SPEC", '"modes" must map construct names to "A" or "B"');
    } else {
      for (const [name, mode] of Object.entries(spec.modes)) {
        const position = constructIndex.get(name);
        if (position === undefined) add("UNKNOWN_CONSTRUCT", `modes: unknown construct "${name}"`);
        else if (mode !== "A" && mode !== "B") add("INVALID_MODE", `construct "${name}": mode must be "A" or "B", got ${describe(mode)}`);
        else modes[position] = mode;
      }
    }
  }

  const paths: Array<[number, number]> = [];
  const seen = new Set<string>();
  spec.paths.forEach((path, index) => {
    if (!Array.isArray(path) || path.length !== 2 || typeof path[0] !== "string" || typeof path[1] !== "string") {
      add("INVALID_SPEC", `path #${index + 1} must be ["From", "To"], got ${describe(path)}`);
      return;
    }
    const [from, to] = path;
    const fromIndex = constructIndex.get(from);
    const toIndex = constructIndex.get(to);
    if (fromIndex === undefined) add("UNKNOWN_CONSTRUCT", `path ${from} → ${to}: unknown construct "${from}"`);
    if (toIndex === undefined) add("UNKNOWN_CONSTRUCT", `path ${from} → ${to}: unknown construct "${to}"`);
    if (fromIndex === undefined || toIndex === undefined) return;
    if (fromIndex === toIndex) {
      add("SELF_LOOP", `path ${from} → ${to} points a construct at itself`);
      return;
    }
    const key = `${fromIndex}>${toIndex}`;
    if (seen.has(key)) {
      add("DUPLICATE_PATH", `path ${from} → ${to} is listed twice`);
      return;
    }
    seen.add(key);
    paths.push([fromIndex, toIndex]);
  });

  const predecessors: number[][] = constructs.map(() => []);
  const successors: number[][] = constructs.map(() => []);
  for (const [from, to] of paths) {
    predecessors[to].push(from);
    successors[from].push(to);
  }
  for (const list of predecessors) list.sort((a, b) => a - b);
  for (const list of successors) list.sort((a, b) => a - b);

  // Kahn's algorithm: whatever cannot be ordered lies on (or behind) a cycle.
  const remaining = predecessors.map((list) => list.length);
  const ready = constructs.map((_, index) => index).filter((index) => remaining[index] === 0);
  const topologicalOrder: number[] = [];
  while (ready.length > 0) {
    const next = ready.shift()!;
    topologicalOrder.push(next);
    for (const successor of successors[next]) {
      if (--remaining[successor] === 0) ready.push(successor);
    }
  }
  if (topologicalOrder.length < constructs.length && issues.every((issue) => issue.code !== "SELF_LOOP")) {
    const onCycle = constructs.filter((_, index) => remaining[index] > 0);
    add("CYCLE", `structural paths form a cycle among: ${onCycle.join(", ")} (PLS path models must be recursive)`);
  }

  if (issues.length > 0) throw new PlsModelError(issues);
  return {
    constructs,
    items,
    blocks,
    itemConstruct,
    modes,
    paths,
    predecessors,
    successors,
    topologicalOrder,
    spec,
  };
}
