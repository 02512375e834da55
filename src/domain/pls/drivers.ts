/**
 * Driver (importance–performance) analysis on top of a PLS estimate and its ACSI indices.
 *
 * importance  = total effect of the driver construct on the target (e.g. satisfaction): the
 *               standardized change in the target per 1 SD change in the driver, all routes;
 * performance = the driver's 0–100 index;
 * priority    = importance × (100 − performance): a driver that matters and has room to improve
 *               ranks first; negative importance gives a negative score and ranks last.
 */
import type { AcsiIndexResult } from "./acsi-index";
import type { PlsEstimate } from "./types";

/** IPMA quadrants relative to the mean importance and mean performance of the drivers. */
export type DriverQuadrant = "improve" | "maintain" | "low-priority" | "possible-overkill";

export interface DriverAnalysisOptions {
  /** Target construct, e.g. "satisfaction". */
  target: string;
  /** Optional second outcome, e.g. "loyalty"; its total effects are reported alongside. */
  loyalty?: string;
  /** Drivers to rank; default every construct with a total effect on the target. */
  drivers?: readonly string[];
}

export interface DriverEntry {
  construct: string;
  importance: number;
  /** Total effect on the loyalty construct (null when not requested or no route). */
  loyaltyImportance: number | null;
  performance: number;
  priorityScore: number;
  quadrant: DriverQuadrant;
  /** 1 = highest priority. */
  rank: number;
}

export interface DriverAnalysis {
  target: string;
  loyalty: string | null;
  meanImportance: number;
  meanPerformance: number;
  /** Sorted by priority score, highest first. */
  drivers: DriverEntry[];
}

export function analyzeDrivers(estimate: PlsEstimate, indices: AcsiIndexResult, options: DriverAnalysisOptions): DriverAnalysis {
  const { target, loyalty } = options;
  if (!estimate.constructs.includes(target)) throw new RangeError(`unknown target construct "${target}"`);
  if (loyalty !== undefined && !estimate.constructs.includes(loyalty)) throw new RangeError(`unknown loyalty construct "${loyalty}"`);
  const effectOn = (to: string) => new Map(estimate.totalEffects.filter((e) => e.to === to).map((e) => [e.from, e.value]));
  const onTarget = effectOn(target);
  const onLoyalty = loyalty ? effectOn(loyalty) : null;
  const drivers = options.drivers ?? estimate.constructs.filter((construct) => onTarget.has(construct));

  const rows = drivers.map((construct) => {
    const performance = indices.indices[construct]?.index;
    if (performance === undefined) throw new RangeError(`no index for driver "${construct}"`);
    const importance = onTarget.get(construct) ?? 0;
    return {
      construct,
      importance,
      loyaltyImportance: onLoyalty ? (onLoyalty.get(construct) ?? null) : null,
      performance,
      priorityScore: importance * (100 - performance),
    };
  });
  const mean = (values: number[]) => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
  const meanImportance = mean(rows.map((row) => row.importance));
  const meanPerformance = mean(rows.map((row) => row.performance));
  const ranked = [...rows]
    .sort((a, b) => b.priorityScore - a.priorityScore || a.construct.localeCompare(b.construct))
    .map((row, position): DriverEntry => {
      const important = row.importance >= meanImportance;
      const performing = row.performance >= meanPerformance;
      const quadrant: DriverQuadrant = important
        ? performing
          ? "maintain"
          : "improve"
        : performing
          ? "possible-overkill"
          : "low-priority";
      return { ...row, quadrant, rank: position + 1 };
    });
  return { target, loyalty: loyalty ?? null, meanImportance, meanPerformance, drivers: ranked };
}
