/**
 * Driver priorities on top of IPMA (Ringle & Sarstedt 2016, see ipma.ts).
 *
 * importance  = the IPMA importance: unstandardized total effect of the driver on the target, i.e.
 *               target points (0–100) per point of the driver's rescaled score, all routes;
 * performance = the IPMA performance (the driver's mean rescaled score, = its index when its
 *               weights are positive);
 * priority    = importance × (100 − performance): the target points to gain if the driver reached
 *               100, so a driver that matters and has room to improve ranks first; negative
 *               importance gives a negative score and ranks last.
 * Scale bounds come from the indices, so both views rescale the items alike.
 */
import type { AcsiIndexResult, ScaleBounds } from "./acsi-index";
import { computeIpma, type IpmaIndicatorEntry } from "./ipma";
import type { PlsEstimate } from "./types";
import type { PlsWarning } from "./warnings";

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
  /** IPMA of the drivers' indicators on the target, sorted by priority (importance × (100 − performance)). */
  indicators: Array<IpmaIndicatorEntry & { priorityScore: number; rank: number }>;
  /** IPMA precondition warnings (coding direction, negative weights). */
  warnings: PlsWarning[];
}

export function analyzeDrivers(estimate: PlsEstimate, indices: AcsiIndexResult, options: DriverAnalysisOptions): DriverAnalysis {
  const { target, loyalty } = options;
  if (!estimate.constructs.includes(target)) throw new RangeError(`unknown target construct "${target}"`);
  if (loyalty !== undefined && !estimate.constructs.includes(loyalty)) throw new RangeError(`unknown loyalty construct "${loyalty}"`);
  const itemScales: Record<string, ScaleBounds> = {};
  for (const entry of Object.values(indices.indices)) Object.assign(itemScales, entry.itemScales);
  const onTarget = computeIpma(estimate, { target, itemScales });
  const byConstruct = new Map(onTarget.constructs.map((entry) => [entry.construct, entry]));
  const loyaltyImportanceOf = loyalty ? new Map(computeIpma(estimate, { target: loyalty, itemScales }).constructs.map((entry) => [entry.construct, entry.importance])) : null;
  const drivers = options.drivers ?? onTarget.constructs.map((entry) => entry.construct);

  const rows = drivers.map((construct) => {
    const entry = byConstruct.get(construct);
    const performance = entry?.performance ?? indices.indices[construct]?.index;
    if (performance === undefined) throw new RangeError(`no index for driver "${construct}"`);
    const importance = entry?.importance ?? 0;
    return {
      construct,
      importance,
      loyaltyImportance: loyaltyImportanceOf ? (loyaltyImportanceOf.get(construct) ?? null) : null,
      performance,
      priorityScore: importance * (100 - performance),
    };
  });
  const chosen = new Set(drivers);
  const indicators = onTarget.indicators
    .filter((entry) => chosen.has(entry.construct))
    .map((entry) => ({ ...entry, priorityScore: entry.importance * (100 - entry.performance) }))
    .sort((a, b) => b.priorityScore - a.priorityScore || a.indicator.localeCompare(b.indicator))
    .map((entry, position) => ({ ...entry, rank: position + 1 }));
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
  return { target, loyalty: loyalty ?? null, meanImportance, meanPerformance, drivers: ranked, indicators, warnings: onTarget.warnings };
}
