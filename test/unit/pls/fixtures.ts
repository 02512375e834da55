/**
 * Loaders for the reference fixtures in test/fixtures (copied from public sources, see the README
 * there). Shared by the PLS tests; not a test file itself.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PlsModelSpec } from "../../../src/domain/pls";
import { csvToResponseMatrix, parseCsv, type ResponseMatrix } from "../../../src/domain/stats";

export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/", import.meta.url));
export const SCHEMES = ["path", "centroid", "factorial"] as const;
export type Scheme = (typeof SCHEMES)[number];

export function readFixture(name: string): string {
  return readFileSync(FIXTURES_DIR + name, "utf8");
}

export function loadCsvMatrix(name: string, options: { columns?: string[]; missingTokens?: string[] } = {}): ResponseMatrix {
  const table = parseCsv(readFixture(name));
  return csvToResponseMatrix(table, options.columns ?? table.header, { missingTokens: options.missingTokens });
}

export type Keyed = Record<string, number>;

/** The parts of mobi_ecsi_<scheme>.json the tests compare against. */
export interface MobiReference {
  n: number;
  blocks: Record<string, string | string[]>;
  structural_paths: [string, string][];
  iterations: { tol: number; at_tol: Record<string, number> };
  outer_weights: Record<string, Keyed>;
  outer_loadings: Record<string, Keyed>;
  cross_loadings: Array<Keyed & { item: string }>;
  path_coefficients: Array<{ from: string; to: string; value: number }>;
  r_squared: Keyed;
  r_squared_adj: Keyed;
  total_effects: Array<{ from: string; to: string; value: number }>;
  reliability: Record<string, { AVE: number; rho_c: number; alpha_std: number; alpha_raw: number; rho_A: number }>;
  construct_correlations: Array<Keyed & { construct: string }>;
  scores_first5: { sd_n_minus_1: Keyed[] };
  item_means: Keyed;
  item_sds: Keyed;
}

export function loadMobiReference(scheme: Scheme): MobiReference {
  return JSON.parse(readFixture(`mobi_ecsi_${scheme}.json`)) as MobiReference;
}

/** The ECSI model as a spec (the fixture writes a single-item block as a bare string). */
export function mobiModel(reference: MobiReference = loadMobiReference("path")): PlsModelSpec {
  const constructs = Object.fromEntries(
    Object.entries(reference.blocks).map(([name, items]) => [name, typeof items === "string" ? [items] : items]),
  );
  return { constructs, paths: reference.structural_paths };
}

export function loadMobi(): ResponseMatrix {
  return loadCsvMatrix("mobi.csv");
}

/** Walks two JSON-like values and returns the largest absolute difference between numbers. */
export function maxNumericDifference(a: unknown, b: unknown, path = "$"): number {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) && Number.isNaN(b)) return 0;
    return Math.abs(a - b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) throw new Error(`${path}: length ${a.length} vs ${b.length}`);
    return a.reduce((max: number, value, k) => Math.max(max, maxNumericDifference(value, b[k], `${path}[${k}]`)), 0);
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keysA = Object.keys(a).sort();
    const keysB = Object.keys(b).sort();
    if (keysA.join() !== keysB.join()) throw new Error(`${path}: keys differ`);
    return keysA.reduce(
      (max, key) => Math.max(max, maxNumericDifference((a as Keyed)[key], (b as Keyed)[key], `${path}.${key}`)),
      0,
    );
  }
  if (a !== b) throw new Error(`${path}: ${String(a)} vs ${String(b)}`);
  return 0;
}

/** Fisher–Yates shuffle driven by a seeded generator. */
export function shuffled<T>(values: readonly T[], random: () => number): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
