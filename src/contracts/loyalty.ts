/**
 * Response contract of GET /surveys/{id}/loyalty (the seed's loyalty model; docs/statistics.md §10).
 * Shares are fractions in [0, 1]; indices are 0-100.
 */
import { z } from "@hono/zod-openapi";
import { AnalyticsWarningSchema } from "./analytics";

const Share = z.number().nullable();
const Interval = z.object({ lower: z.number(), upper: z.number() }).nullable();
const Rate = z.object({ value: Share, numerator: z.number(), denominator: z.number() }).nullable();
const ScaledItem = z.object({ itemId: z.string(), n: z.number(), mean: z.number().nullable(), scaled: z.number().nullable() });
const Component = z.enum(["attraction", "satisfaction", "participation"]);

export const LoyaltyCompositeSchema = z.object({
  /** Attraction × satisfaction × participation, 0-1; null when a component has no data. */
  value: Share,
  components: z.object({
    attraction: z.object({ value: Share, items: z.array(ScaledItem) }),
    satisfaction: z.object({ value: Share, source: z.enum(["acsi_index", "item_means"]).nullable(), items: z.array(ScaledItem) }),
    participation: z.object({
      value: Share,
      indicators: z.object({
        responseRate: Rate,
        openAnswers: Rate,
        panelOptIn: Rate,
        complaintFollowThrough: Rate,
        statedWillingness: z.object({ value: Share, items: z.array(ScaledItem) }).nullable(),
      }),
    }),
  }),
  weakest: Component.nullable(),
  missing: z.array(Component),
  n: z.number(),
});

const ShareCell = { n: z.number(), high: z.number(), share: Share, interval95: Interval };
const Zone = z.enum(["hostility", "indifference", "loyalty"]);
export const SatisfactionLoyaltyChartSchema = z.object({
  levels: z.array(z.object({ level: z.number(), zone: Zone, unanswered: z.number(), ...ShareCell })),
  zones: z.array(z.object({ zone: Zone, levels: z.array(z.number()), ...ShareCell })),
  n: z.number(),
});

const Verdict = z.enum(["exceeds", "meets", "falls_short"]).nullable();
export const DelightSchema = z.object({
  pairs: z.array(
    z.object({
      pairKey: z.string(),
      expectationItemId: z.string(),
      perceptionItemId: z.string(),
      answered: z.number(),
      delighted: z.number(),
      share: Share,
      interval95: Interval,
      expectationMean: z.number().nullable(),
      perceptionMean: z.number().nullable(),
      ratio: z.number().nullable(),
      verdict: Verdict,
    }),
  ),
  overall: z.object({ answered: z.number(), delighted: z.number(), share: Share, interval95: Interval, ratio: z.number().nullable(), verdict: Verdict }),
});

const Localized = z.record(z.string(), z.string());
export const CodedAnswerSchema = z.object({
  itemId: z.string(),
  answered: z.number(),
  options: z.array(z.object({ optionId: z.string(), count: z.number(), share: Share })),
});

const GroupReport = {
  n: z.number(),
  belowMinimum: z.boolean(),
  composite: LoyaltyCompositeSchema,
  satisfactionIndex: z.number().nullable(),
  /** The ACSI loyalty construct's index, shown beside the composite (they answer different questions). */
  acsiLoyaltyIndex: z.number().nullable(),
  delight: DelightSchema,
  chart: SatisfactionLoyaltyChartSchema,
  codedAnswers: z.array(CodedAnswerSchema),
};

export const LoyaltyResponseSchema = z
  .object({
    surveyId: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    filters: z.record(z.string(), z.string()),
    available: z.boolean(),
    statusFieldId: z.string().nullable(),
    overall: z.object(GroupReport).nullable(),
    groups: z.array(z.object({ status: z.enum(["unspecified", "current", "former", "potential"]), ...GroupReport })),
    /** Wording of the coded questions whose option counts the groups carry (zh-CN and en). */
    codedQuestions: z.array(z.object({ itemId: z.string(), label: Localized, options: z.array(z.object({ optionId: z.string(), label: Localized })) })),
    coverage: z
      .object({
        counts: z.object({ current: z.number(), former: z.number(), potential: z.number() }),
        unspecified: z.number(),
        minimum: z.number(),
        sufficient: z.boolean(),
        warning: z.object({ code: z.string(), severity: z.string(), message: z.string(), groups: z.array(z.string()) }).nullable(),
      })
      .nullable(),
    warnings: z.array(AnalyticsWarningSchema),
    computeMs: z.number(),
  })
  .openapi("Loyalty");

export type LoyaltyResponse = z.infer<typeof LoyaltyResponseSchema>;
