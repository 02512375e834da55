import type { MessageKey } from "../../lib/i18n";
import type { DI18n, DKey } from "./messages";

export const CONSTRUCT_ORDER = ["image", "expectations", "perceived_quality", "perceived_value", "satisfaction", "complaints", "loyalty"];

export function sortConstructs<T>(items: T[], key: (item: T) => string): T[] {
  const rank = (name: string) => {
    const i = CONSTRUCT_ORDER.indexOf(name);
    return i === -1 ? CONSTRUCT_ORDER.length : i;
  };
  return [...items].sort((a, b) => rank(key(a)) - rank(key(b)) || key(a).localeCompare(key(b)));
}

export function constructLabel(i18n: DI18n, construct: string): string {
  if (CONSTRUCT_ORDER.includes(construct)) return i18n.t(`construct.${construct}` as MessageKey);
  return construct.startsWith("custom:") ? construct.slice(7).replace(/_/g, " ") : construct;
}

export function constructShort(i18n: DI18n, construct: string): string {
  if (CONSTRUCT_ORDER.includes(construct)) return i18n.t(`constructShort.${construct}` as DKey);
  return constructLabel(i18n, construct);
}

/** Some metric fields may be counts or shares; return a share of `n` either way. */
export function asShare(value: number, n: number, siblingsSum?: number): number {
  if (siblingsSum !== undefined) return siblingsSum > 1.0001 && n > 0 ? value / n : value;
  return value > 1 && n > 0 ? value / n : value;
}

/** Accepted thresholds (Hair et al.; Fornell & Larcker): shown next to the reliability table. */
export const THRESHOLDS = { ave: 0.5, rhoC: 0.7, alpha: 0.7, rhoA: 0.7 } as const;

export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7A5C00", "#555555"];
