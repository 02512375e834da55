import { describe, expect, it } from "vitest";
import {
  PlsModelError,
  compilePlsModel,
  estimatePlsFromCorrelation,
  estimatePlsPath,
  minimumSampleSizeTenTimesRule,
  type PlsModelIssueCode,
  type PlsModelSpec,
} from "../../../src/domain/pls";
import { StatsInputError, computeItemStatistics, momentsFromMatrix } from "../../../src/domain/stats";
import { loadMobi, mobiModel } from "./fixtures";

function issueCodes(spec: unknown, items?: string[]): PlsModelIssueCode[] {
  try {
    compilePlsModel(spec as PlsModelSpec, items);
  } catch (error) {
    expect(error).toBeInstanceOf(PlsModelError);
    return (error as PlsModelError).issues.map((issue) => issue.code);
  }
  return [];
}

describe("model validation", () => {
  const valid: PlsModelSpec = { constructs: { A: ["a1", "a2"], B: ["b1"], C: ["c1", "c2"] }, paths: [["A", "B"], ["B", "C"], ["A", "C"]] };

  it("compiles a valid model with blocks, neighbours and a topological order", () => {
    const compiled = compilePlsModel(valid, ["a1", "a2", "b1", "c1", "c2", "extra"]);
    expect(compiled.items).toEqual(["a1", "a2", "b1", "c1", "c2"]);
    expect(compiled.blocks).toEqual([[0, 1], [2], [3, 4]]);
    expect(compiled.predecessors).toEqual([[], [0], [0, 1]]);
    expect(compiled.topologicalOrder).toEqual([0, 1, 2]);
    expect(compiled.modes).toEqual(["A", "A", "A"]);
  });

  it.each<[string, unknown, PlsModelIssueCode[], string[]?]>([
    ["an item missing from the data", valid, ["UNKNOWN_ITEM"], ["a1", "a2", "b1", "c1"]],
    ["a cycle", { ...valid, paths: [["A", "B"], ["B", "C"], ["C", "A"]] }, ["CYCLE"]],
    ["a self-loop", { ...valid, paths: [["A", "A"]] }, ["SELF_LOOP"]],
    ["a construct without items", { ...valid, constructs: { ...valid.constructs, D: [] } }, ["CONSTRUCT_WITHOUT_ITEMS"]],
    ["an item used by two constructs", { ...valid, constructs: { A: ["a1"], B: ["a1"], C: ["c1"] } }, ["DUPLICATE_ITEM"]],
    ["an item listed twice in a block", { ...valid, constructs: { A: ["a1", "a1"], B: ["b1"], C: ["c1"] } }, ["DUPLICATE_ITEM"]],
    ["a path to an unknown construct", { ...valid, paths: [["A", "Z"]] }, ["UNKNOWN_CONSTRUCT"]],
    ["a duplicate path", { ...valid, paths: [["A", "B"], ["A", "B"]] }, ["DUPLICATE_PATH"]],
    ["an invalid mode", { ...valid, modes: { A: "C" } }, ["INVALID_MODE"]],
    ["a malformed path", { ...valid, paths: [["A"]] }, ["INVALID_SPEC"]],
    ["no constructs object", { paths: [] }, ["INVALID_SPEC"]],
  ])("rejects %s with a typed error", (_label, spec, expected, items) => {
    expect(issueCodes(spec, items)).toEqual(expected);
  });

  it("reports every problem at once, with readable messages", () => {
    try {
      compilePlsModel({ constructs: { A: [], B: ["x"], C: ["x"] }, paths: [["B", "C"], ["C", "B"]] }, ["y"]);
      expect.unreachable();
    } catch (error) {
      const modelError = error as PlsModelError;
      expect(modelError.issues.map((issue) => issue.code)).toEqual(["CONSTRUCT_WITHOUT_ITEMS", "UNKNOWN_ITEM", "DUPLICATE_ITEM", "CYCLE"]);
      expect(modelError.message).toMatch(/construct "A" has no items/);
      expect(modelError.message).toMatch(/cycle among: B, C/);
    }
  });
});

describe("data problems surface as typed errors", () => {
  it("refuses a constant item and too few rows", () => {
    const spec: PlsModelSpec = { constructs: { A: ["a"], B: ["b"] }, paths: [["A", "B"]] };
    const constant = { itemIds: ["a", "b"], rows: [[1, 2], [1, 3], [1, 5], [1, 1]] };
    expect(() => estimatePlsPath(spec, constant)).toThrow(expect.objectContaining({ code: "ZERO_VARIANCE" }));
    const tiny = { itemIds: ["a", "b"], rows: [[1, 2], [2, 3]] };
    expect(() => estimatePlsPath(spec, tiny)).toThrow(StatsInputError);
  });
});

describe("guard-rail warnings", () => {
  const data = loadMobi();
  const model = mobiModel();
  const codes = (rows: number) => estimatePlsPath(model, { itemIds: data.itemIds, rows: data.rows.slice(0, rows) }).warnings.map((w) => w.code);

  it("applies the 10-times rule: the largest number of arrows into a construct is 4 in ECSI", () => {
    expect(minimumSampleSizeTenTimesRule(compilePlsModel(model))).toBe(40);
    expect(codes(39)).toContain("SAMPLE_BELOW_TEN_TIMES_RULE");
    expect(codes(60)).toContain("SAMPLE_BELOW_100");
    expect(codes(60)).not.toContain("SAMPLE_BELOW_TEN_TIMES_RULE");
    expect(codes(250)).not.toContain("SAMPLE_BELOW_100");
  });

  it("counts the indicators of a formative block as arrows", () => {
    const formative = { ...model, modes: { Quality: "B" as const } };
    expect(minimumSampleSizeTenTimesRule(compilePlsModel(formative))).toBe(70);
  });

  it("flags the reference model's known weak blocks and reports nothing for the sound ones", () => {
    const estimate = estimatePlsPath(model, data);
    const about = (construct: string) => estimate.warnings.filter((w) => w.construct === construct).map((w) => w.code);
    // Reference values: Image AVE 0.478, Expectation AVE 0.480 / alpha 0.452, Loyalty alpha 0.472.
    expect(about("Image")).toContain("LOW_AVE");
    expect(about("Expectation")).toEqual(expect.arrayContaining(["LOW_AVE", "LOW_CRONBACH_ALPHA"]));
    expect(about("Loyalty")).toContain("LOW_CRONBACH_ALPHA");
    expect(about("Quality")).not.toContain("LOW_AVE");
    expect(about("Value")).toEqual([]);
    for (const warning of estimate.warnings.filter((w) => w.code === "HIGH_HTMT")) {
      expect(estimate.htmt[warning.construct!][warning.related!]).toBeGreaterThan(0.9);
    }
    for (const warning of estimate.warnings) expect(warning.message.length).toBeGreaterThan(10);
  });

  it("says so when the iteration limit stops the algorithm", () => {
    const estimate = estimatePlsPath(model, data, { maxIterations: 2 });
    expect(estimate.converged).toBe(false);
    expect(estimate.iterations).toBe(2);
    expect(estimate.warnings[0]).toMatchObject({ code: "NOT_CONVERGED", severity: "warning" });
  });
});

describe("HTMT and Fornell–Larcker follow their definitions", () => {
  const data = loadMobi();
  const model = mobiModel();
  const estimate = estimatePlsPath(model, data);
  const statistics = computeItemStatistics(momentsFromMatrix(data));
  const r = (a: string, b: string) => statistics.correlation[statistics.itemIds.indexOf(a) * statistics.itemIds.length + statistics.itemIds.indexOf(b)];

  it("HTMT(Value, Satisfaction) = mean heterotrait |r| / √(mean monotrait |r| product)", () => {
    const value = ["PERV1", "PERV2"];
    const satisfaction = ["CUSA1", "CUSA2", "CUSA3"];
    const hetero = value.flatMap((a) => satisfaction.map((b) => Math.abs(r(a, b))));
    const monoValue = Math.abs(r("PERV1", "PERV2"));
    const monoSat = (Math.abs(r("CUSA1", "CUSA2")) + Math.abs(r("CUSA1", "CUSA3")) + Math.abs(r("CUSA2", "CUSA3"))) / 3;
    const expected = hetero.reduce((a, b) => a + b, 0) / hetero.length / Math.sqrt(monoValue * monoSat);
    expect(estimate.htmt.Value.Satisfaction).toBeCloseTo(expected, 12);
    expect(estimate.htmt.Satisfaction.Value).toBe(estimate.htmt.Value.Satisfaction);
  });

  it("Fornell–Larcker compares √AVE with the largest construct correlation", () => {
    const check = estimate.fornellLarcker.Quality;
    const others = Object.entries(estimate.constructCorrelations.Quality).filter(([name]) => name !== "Quality");
    expect(check.sqrtAve).toBeCloseTo(Math.sqrt(estimate.reliability.Quality.ave), 14);
    expect(check.maxCorrelation).toBeCloseTo(Math.max(...others.map(([, v]) => Math.abs(v))), 14);
    expect(check.satisfied).toBe(check.sqrtAve > check.maxCorrelation);
  });

  it("GoF = √(mean communality of multi-item blocks × mean R²)", () => {
    const communalities = Object.entries(estimate.outerLoadings)
      .filter(([, loadings]) => Object.keys(loadings).length > 1)
      .flatMap(([, loadings]) => Object.values(loadings).map((l) => l * l));
    const r2 = Object.values(estimate.rSquared);
    const expected = Math.sqrt((communalities.reduce((a, b) => a + b, 0) / communalities.length) * (r2.reduce((a, b) => a + b, 0) / r2.length));
    expect(estimate.goodnessOfFit).toBeCloseTo(expected, 14);
  });

  it("estimating from a bare correlation matrix gives the same paths, without means or raw alpha", () => {
    const fromCorrelation = estimatePlsFromCorrelation(model, { itemIds: statistics.itemIds, n: statistics.n, correlation: statistics.correlation });
    fromCorrelation.pathCoefficients.forEach((path, k) => expect(path.value).toBeCloseTo(estimate.pathCoefficients[k].value, 12));
    expect(fromCorrelation.itemMeans).toBeNull();
    expect(fromCorrelation.reliability.Image.alphaRaw).toBeNull();
    expect(fromCorrelation.missing).toBeNull();
  });
});
