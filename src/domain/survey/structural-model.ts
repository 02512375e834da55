/**
 * The customer-satisfaction-index structural model implied by a survey's construct tags.
 *
 * ACSI (Fornell et al. 1996; peers-and-methods §B; seeds digest A1/A2 six sub-models): expectations
 * → perceived quality, perceived value, satisfaction; perceived quality → perceived value,
 * satisfaction; perceived value → satisfaction; satisfaction → complaints (negative), loyalty;
 * complaints → loyalty. ECSI adds the exogenous image → expectations, satisfaction, loyalty
 * (seminr mobi model). Paths are kept only when both ends have items, so a survey without, say,
 * perceived value still gets a coherent (reduced) model.
 */
import { isNumericKind, listAnswerSlots, STANDARD_CONSTRUCTS, type StandardConstruct, type SurveyDefinition } from "./definition";

export type StructuralPath = [from: string, to: string];

export type StructuralModel = {
  /** Construct tag → ids of the numeric items measuring it, in survey order. */
  constructs: Record<string, string[]>;
  paths: StructuralPath[];
};

export const ACSI_PATHS: ReadonlyArray<readonly [StandardConstruct, StandardConstruct]> = [
  ["expectations", "perceived_quality"],
  ["expectations", "perceived_value"],
  ["expectations", "satisfaction"],
  ["perceived_quality", "perceived_value"],
  ["perceived_quality", "satisfaction"],
  ["perceived_value", "satisfaction"],
  ["satisfaction", "complaints"],
  ["satisfaction", "loyalty"],
  ["complaints", "loyalty"],
];

export const ECSI_IMAGE_PATHS: ReadonlyArray<readonly [StandardConstruct, StandardConstruct]> = [
  ["image", "expectations"],
  ["image", "satisfaction"],
  ["image", "loyalty"],
];

/**
 * Custom constructs are listed with their items but get no paths: only the designer knows where
 * they belong, and guessing would silently change estimated coefficients.
 */
export function deriveStructuralModel(definition: SurveyDefinition): StructuralModel {
  const constructs: Record<string, string[]> = {};
  for (const slot of listAnswerSlots(definition)) {
    // Text/choice items can carry a construct tag for text analytics, but cannot be indicators.
    if (!slot.construct || !isNumericKind(slot.kind)) continue;
    (constructs[slot.construct] ??= []).push(slot.id);
  }
  const present = (construct: string) => (constructs[construct]?.length ?? 0) > 0;
  const paths: StructuralPath[] = [...ECSI_IMAGE_PATHS, ...ACSI_PATHS]
    .filter(([from, to]) => present(from) && present(to))
    .map(([from, to]) => [from, to]);
  // Order constructs as in the standard model, then custom ones as they appear.
  const ordered: Record<string, string[]> = {};
  for (const construct of STANDARD_CONSTRUCTS) if (present(construct)) ordered[construct] = constructs[construct];
  for (const [construct, items] of Object.entries(constructs)) if (!(construct in ordered)) ordered[construct] = items;
  return { constructs: ordered, paths };
}
