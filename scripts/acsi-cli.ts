/**
 * acsi: estimate a PLS path model (and ACSI indices) from a CSV file and print JSON.
 *
 *   npm run acsi -- --data <csv> --model <json> [--scheme path|centroid|factorial]
 *                   [--missing <value>]... [--scale-min <a> --scale-max <b>]
 *                   [--bootstrap <n> [--seed <s>]] [--ipma <Target>]
 *
 * Exit codes: 0 success; 1 bad data (non-numeric cell, constant item, …); 2 bad usage or a bad
 * model file (unknown items, cycles, constructs without items, invalid JSON). Errors go to stderr.
 */
import { readFileSync } from "node:fs";
import {
  PlsModelError,
  bootstrapPlsPath,
  compilePlsModel,
  computeAcsiIndices,
  computeIpma,
  estimatePlsPath,
  type AcsiIndexOptions,
  type BootstrapInterval,
  type InnerWeightingScheme,
  type PlsModelSpec,
  type PlsWarning,
  type ScaleBounds,
} from "../src/domain/pls";
import { StatsInputError, csvToResponseMatrix, parseCsv } from "../src/domain/stats";
import { SingularMatrixError } from "../src/domain/stats/linear-algebra";

const USAGE = `usage: npm run acsi -- --data <csv> --model <json> [--scheme path|centroid|factorial]
                      [--missing <value>]... [--scale-min <a> --scale-max <b>] [--bootstrap <n> [--seed <s>]]
                      [--ipma <Target>]   (IPMA needs --scale-min/--scale-max or per-item "scales")
model file: { "constructs": { "Name": ["item", ...] }, "paths": [["From", "To"], ...],
              "modes": { "Name": "A" | "B" }, "scales": { "item": [min, max] } }   (modes, scales optional)
exit codes: 0 ok, 1 bad data, 2 bad usage or model`;

class UsageError extends Error {}

interface CliOptions {
  data: string;
  model: string;
  scheme: InnerWeightingScheme;
  missing: string[];
  scaleMin: number | null;
  scaleMax: number | null;
  bootstrap: number | null;
  seed: number;
  ipmaTarget: string | null;
}

function parseNumber(flag: string, text: string | undefined, integer = false): number {
  const value = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag} needs ${integer ? "an integer" : "a number"}, got ${text === undefined ? "nothing" : `"${text}"`}`);
  }
  return value;
}

function parseArguments(argv: readonly string[]): CliOptions {
  const options: Partial<CliOptions> & { missing: string[] } = { missing: [], scheme: "path", seed: 1 };
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k];
    const value = argv[k + 1];
    const take = () => {
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      k++;
      return value;
    };
    switch (flag) {
      case "--data":
        options.data = take();
        break;
      case "--model":
        options.model = take();
        break;
      case "--scheme": {
        const scheme = take();
        if (scheme !== "path" && scheme !== "centroid" && scheme !== "factorial") {
          throw new UsageError(`--scheme must be path, centroid or factorial, got "${scheme}"`);
        }
        options.scheme = scheme;
        break;
      }
      case "--missing":
        options.missing.push(take().trim());
        break;
      case "--scale-min":
        options.scaleMin = parseNumber(flag, take());
        break;
      case "--scale-max":
        options.scaleMax = parseNumber(flag, take());
        break;
      case "--bootstrap":
        options.bootstrap = parseNumber(flag, take(), true);
        break;
      case "--seed":
        options.seed = parseNumber(flag, take(), true);
        break;
      case "--ipma":
        options.ipmaTarget = take();
        break;
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown argument "${flag}"`);
    }
  }
  if (!options.data || !options.model) throw new UsageError("--data and --model are required");
  const hasMin = options.scaleMin !== undefined;
  const hasMax = options.scaleMax !== undefined;
  if (hasMin !== hasMax) throw new UsageError("--scale-min and --scale-max go together");
  if (hasMin && !(options.scaleMax! > options.scaleMin!)) throw new UsageError("--scale-max must be greater than --scale-min");
  if (options.bootstrap !== undefined && options.bootstrap !== null && options.bootstrap < 2) throw new UsageError("--bootstrap needs at least 2 resamples");
  return {
    data: options.data,
    model: options.model,
    scheme: options.scheme!,
    missing: options.missing,
    scaleMin: options.scaleMin ?? null,
    scaleMax: options.scaleMax ?? null,
    bootstrap: options.bootstrap ?? null,
    seed: options.seed!,
    ipmaTarget: options.ipmaTarget ?? null,
  };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} file ${path}: ${(error as Error).message}`);
  }
}

/** Parses the model file; `scales` (item → [min, max]) is the CLI's per-item bound extension. */
function readModelFile(path: string): { spec: PlsModelSpec; itemScales: Record<string, ScaleBounds> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(path, "model"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`model file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`model file ${path} must hold a JSON object`);
  const { constructs, paths, modes, scales } = parsed as Record<string, unknown>;
  const itemScales: Record<string, ScaleBounds> = {};
  if (scales !== undefined) {
    if (typeof scales !== "object" || scales === null) throw new UsageError('"scales" must map item ids to [min, max]');
    for (const [item, bounds] of Object.entries(scales)) {
      if (!Array.isArray(bounds) || bounds.length !== 2 || !bounds.every((b) => typeof b === "number") || !(bounds[1] > bounds[0])) {
        throw new UsageError(`"scales".${item} must be [min, max] with min < max`);
      }
      itemScales[item] = { min: bounds[0], max: bounds[1] };
    }
  }
  return { spec: { constructs, paths, modes } as PlsModelSpec, itemScales };
}

const byEffect = (effects: ReadonlyArray<{ from: string; to: string; value: number }>) =>
  effects.map(({ from, to, value }) => ({ from, to, value }));

const interval = (value: BootstrapInterval) => ({
  estimate: value.estimate,
  mean: value.mean,
  se: value.standardError,
  lower: value.lower,
  upper: value.upper,
});

function run(argv: readonly string[]): number {
  const options = parseArguments(argv);
  const { spec, itemScales } = readModelFile(options.model);
  const table = parseCsv(readText(options.data, "data"));
  // Validate against the header first: model problems are exit 2 even if the data are also bad.
  const compiled = compilePlsModel(spec, table.header);
  const data = csvToResponseMatrix(table, compiled.items, { missingTokens: options.missing });
  const estimate = estimatePlsPath(compiled, data, { scheme: options.scheme });

  const warnings: PlsWarning[] = [...estimate.warnings];
  const output: Record<string, unknown> = {
    n: estimate.n,
    scheme: estimate.scheme,
    iterations: estimate.iterations,
    converged: estimate.converged,
    missing_values: options.missing.length > 0 ? { markers: options.missing, treatment: estimate.missing } : null,
    outer_weights: estimate.outerWeights,
    outer_loadings: estimate.outerLoadings,
    path_coefficients: byEffect(estimate.pathCoefficients),
    total_effects: byEffect(estimate.totalEffects),
    r_squared: estimate.rSquared,
    reliability: Object.fromEntries(
      Object.entries(estimate.reliability).map(([construct, r]) => [construct, { AVE: r.ave, rho_c: r.rhoC, alpha: r.alpha, rho_A: r.rhoA }]),
    ),
  };
  let indexOptions: AcsiIndexOptions | undefined;
  if (options.scaleMin !== null && options.scaleMax !== null) {
    indexOptions = { scale: { min: options.scaleMin, max: options.scaleMax }, itemScales };
    const indices = computeAcsiIndices(estimate, indexOptions);
    output.index = Object.fromEntries(Object.entries(indices.indices).map(([construct, entry]) => [construct, entry.index]));
    warnings.push(...indices.warnings);
  }
  if (options.ipmaTarget !== null) {
    if (!compiled.constructs.includes(options.ipmaTarget)) throw new UsageError(`--ipma: unknown construct "${options.ipmaTarget}"`);
    const ipma = (() => {
      try {
        return computeIpma(estimate, {
          target: options.ipmaTarget,
          scale: options.scaleMin !== null && options.scaleMax !== null ? { min: options.scaleMin, max: options.scaleMax } : undefined,
          itemScales,
        });
      } catch (error) {
        // Missing scale bounds are a usage problem: IPMA rescales every indicator with them.
        if (error instanceof RangeError) throw new UsageError(`--ipma: ${error.message}`);
        throw error;
      }
    })();
    output.ipma = {
      target: ipma.target,
      constructs: ipma.constructs.map(({ construct, importance, performance }) => ({ construct, importance, performance })),
      indicators: ipma.indicators.map(({ indicator, construct, importance, performance }) => ({ indicator, construct, importance, performance })),
    };
    warnings.push(...ipma.warnings);
  }
  if (options.bootstrap !== null) {
    const result = bootstrapPlsPath(compiled.spec, data, {
      samples: options.bootstrap,
      seed: options.seed,
      estimation: { scheme: options.scheme },
      index: indexOptions,
    });
    output.bootstrap = {
      samples: result.samples,
      seed: result.seed,
      confidence_level: result.confidenceLevel,
      succeeded: result.succeeded,
      failed: result.failed,
      path_coefficients: result.pathCoefficients.map((p) => ({ from: p.from, to: p.to, ...interval(p) })),
      index: result.indices ? Object.fromEntries(Object.entries(result.indices).map(([c, v]) => [c, interval(v)])) : null,
    };
  }
  output.warnings = warnings.map(({ code, severity, message, construct }) => ({ code, severity, message, ...(construct ? { construct } : {}) }));
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

function main(): void {
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof PlsModelError) {
      process.stderr.write(`error: bad model file:\n${error.issues.map((issue) => `  - ${issue.message}`).join("\n")}\n`);
      process.exitCode = 2;
    } else if (error instanceof StatsInputError || error instanceof SingularMatrixError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}

main();
