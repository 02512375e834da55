import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURES_DIR, loadMobiReference, mobiModel } from "./fixtures";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const CLI = join(ROOT, "scripts", "acsi-cli.ts");
const workDir = mkdtempSync(join(tmpdir(), "acsi-cli-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const path = join(workDir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

function runCli(...args: string[]) {
  const result = spawnSync(TSX, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const mobi = join(FIXTURES_DIR, "mobi.csv");
const mobiModelFile = writeJson("mobi-model.json", mobiModel());

// Every test spawns tsx (≈ 1–3 s each on a loaded 2-core machine), so the 5 s default is too tight.
describe("acsi CLI", { timeout: 60_000 }, () => {
  it("adds IPMA for --ipma <Target> equal to the independent reference", () => {
    const { status, stdout, stderr } = runCli("--data", mobi, "--model", mobiModelFile, "--scale-min", "1", "--scale-max", "10", "--ipma", "Loyalty");
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const output = JSON.parse(stdout);
    const reference = JSON.parse(readFileSync(join(FIXTURES_DIR, "mobi_ipma_path.json"), "utf8")).targets.Loyalty;
    expect(output.ipma.target).toBe("Loyalty");
    expect(output.ipma.constructs).toEqual(
      reference.constructs.map((entry: { construct: string; importance: number; performance: number }) => ({
        construct: entry.construct,
        importance: expect.closeTo(entry.importance, 6),
        performance: expect.closeTo(entry.performance, 6),
      })),
    );
    expect(output.ipma.indicators).toHaveLength(reference.indicators.length);
    expect(Object.keys(output.ipma.indicators[0]).sort()).toEqual(["construct", "importance", "indicator", "performance"]);
  });

  it("refuses --ipma without scale bounds or with an unknown construct (exit 2)", () => {
    expect(runCli("--data", mobi, "--model", mobiModelFile, "--ipma", "Loyalty")).toMatchObject({ status: 2, stderr: expect.stringMatching(/no scale bounds/) });
    expect(runCli("--data", mobi, "--model", mobiModelFile, "--scale-min", "1", "--scale-max", "10", "--ipma", "Nope")).toMatchObject({ status: 2 });
  });

  it("prints the estimate and 0-100 indices as JSON", () => {
    const { status, stdout, stderr } = runCli("--data", mobi, "--model", mobiModelFile, "--scheme", "centroid", "--scale-min", "1", "--scale-max", "10");
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const output = JSON.parse(stdout);
    const reference = loadMobiReference("centroid");
    expect(output).toMatchObject({ n: 250, scheme: "centroid", iterations: 7, converged: true });
    expect(output.outer_weights.Image.IMAG1).toBeCloseTo(reference.outer_weights.Image.IMAG1, 6);
    expect(output.outer_loadings.Loyalty.CUSL2).toBeCloseTo(reference.outer_loadings.Loyalty.CUSL2, 6);
    expect(output.path_coefficients).toContainEqual({ from: "Image", to: "Expectation", value: expect.closeTo(reference.path_coefficients[0].value, 6) });
    expect(output.total_effects.length).toBe(reference.total_effects.length);
    expect(output.r_squared.Satisfaction).toBeCloseTo(reference.r_squared.Satisfaction, 6);
    expect(output.reliability.Quality).toEqual({
      AVE: expect.closeTo(reference.reliability.Quality.AVE, 6),
      rho_c: expect.closeTo(reference.reliability.Quality.rho_c, 6),
      alpha: expect.closeTo(reference.reliability.Quality.alpha_std, 6),
      rho_A: expect.closeTo(reference.reliability.Quality.rho_A, 6),
    });
    expect(Object.keys(output.index)).toEqual(Object.keys(reference.outer_weights));
    expect(output.warnings.map((w: { code: string }) => w.code)).toContain("LOW_AVE");
    expect(output.bootstrap).toBeUndefined();
  });

  it("omits the index without scale bounds and adds seeded bootstrap intervals on request", () => {
    const { status, stdout } = runCli("--data", mobi, "--model", mobiModelFile, "--bootstrap", "20", "--seed", "7");
    expect(status).toBe(0);
    const output = JSON.parse(stdout);
    expect(output.index).toBeUndefined();
    expect(output.bootstrap).toMatchObject({ samples: 20, seed: 7, confidence_level: 0.95, index: null });
    expect(output.bootstrap.path_coefficients[0]).toEqual({
      from: "Image",
      to: "Expectation",
      estimate: expect.any(Number),
      mean: expect.any(Number),
      se: expect.any(Number),
      lower: expect.any(Number),
      upper: expect.any(Number),
    });
  });

  it("treats the --missing marker as missing, and otherwise refuses non-numeric cells", () => {
    const corpRep = join(FIXTURES_DIR, "corp_rep_data.csv");
    const model = writeJson("corp-model.json", {
      constructs: { COMP: ["comp_1", "comp_2", "comp_3"], LIKE: ["like_1", "like_2", "like_3"], CUSA: ["cusa"], CUSL: ["cusl_1", "cusl_2", "cusl_3"] },
      paths: [["COMP", "CUSA"], ["LIKE", "CUSA"], ["COMP", "CUSL"], ["LIKE", "CUSL"], ["CUSA", "CUSL"]],
      scales: { cusa: [1, 7] },
    });
    const ok = runCli("--data", corpRep, "--model", model, "--missing", "-99", "--scale-min", "1", "--scale-max", "7");
    expect(ok.status).toBe(0);
    const output = JSON.parse(ok.stdout);
    expect(output.missing_values).toEqual({ markers: ["-99"], treatment: "mean-replacement" });
    expect(output.index.CUSL).toBeGreaterThan(0);
    expect(output.index.CUSL).toBeLessThan(100);

    const text = writeJson("text.csv", "a,b\n1,2\n2,x\n3,1\n");
    const textModel = writeJson("text-model.json", { constructs: { A: ["a"], B: ["b"] }, paths: [["A", "B"]] });
    const refused = runCli("--data", text, "--model", textModel);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/row 2, column "b": "x" is not a number/);
    expect(runCli("--data", text, "--model", textModel, "--missing", "x").status).toBe(0);
  });

  it.each([
    ["unknown items", { constructs: { Image: ["IMAG1", "NOPE"], Loyalty: ["CUSL1"] }, paths: [["Image", "Loyalty"]] }, /item "NOPE" is not in the data/],
    ["a cycle", { constructs: { A: ["IMAG1"], B: ["CUSL1"] }, paths: [["A", "B"], ["B", "A"]] }, /cycle among: A, B/],
    ["a construct without items", { constructs: { A: ["IMAG1"], B: [] }, paths: [["A", "B"]] }, /construct "B" has no items/],
    ["invalid JSON", "{ constructs:", /not valid JSON/],
  ])("exits with code 2 for a model file with %s", (_label, model, message) => {
    const path = writeJson(`bad-${Math.random().toString(36).slice(2)}.json`, model);
    const { status, stdout, stderr } = runCli("--data", mobi, "--model", path);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
  });

  it("exits with code 2 for bad usage", () => {
    expect(runCli("--data", mobi).status).toBe(2);
    expect(runCli("--data", mobi, "--model", mobiModelFile, "--scheme", "magic").stderr).toMatch(/--scheme must be/);
    expect(runCli("--data", mobi, "--model", mobiModelFile, "--scale-min", "1").status).toBe(2);
  });
});
