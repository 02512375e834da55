/**
 * text: sentiment and topics of the `text` column of a CSV, one JSON line per row.
 *
 *   npm run text -- --task sentiment|topic --data <csv> [--model <weights.json>]
 *                   [--train <labelled.csv> [--label-column topic] [--save <topic-model.json>]]
 *                   [--text-column text]
 *
 * --model   a weights file made by `npm run train:text` (default: the committed one).
 * --train   fit the topic model on a labelled CSV (its text column and --label-column) instead of
 *           the built-in ten shopping categories; --save writes that model for later --topic-model use.
 * Exit codes: 0 ok; 1 bad data (missing column, fewer than two labels); 2 bad usage or weights file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { StatsInputError } from "../src/domain/stats";
import {
  DEFAULT_TRAINING_OPTIONS,
  FEATURE_HASH_BITS,
  ModelFormatError,
  TrainingDataError,
  createTextEngine,
  detectLanguage,
  extractFeatures,
  serializeLinearModel,
  textFeatureOptions,
  trainLinearModel,
  withLengthThresholds,
  type SerializedTextModelBundle,
} from "../src/domain/text";
import { readCsvColumns } from "./lib/text-data";
import { DEFAULT_MODEL_PATH } from "./train-text";

const USAGE = `usage: npm run text -- --task sentiment|topic --data <csv> [--model <weights.json>]
                     [--train <labelled.csv> [--label-column topic] [--save <file>]] [--text-column text]
exit codes: 0 ok, 1 bad data, 2 bad usage or weights file`;

class UsageError extends Error {}
class BadDataError extends Error {}

function parseArguments(argv: string[]) {
  const options = { task: "", data: "", model: DEFAULT_MODEL_PATH, train: "", labelColumn: "topic", textColumn: "text", save: "" };
  const keys: Record<string, keyof typeof options> = {
    "--task": "task", "--data": "data", "--model": "model", "--train": "train",
    "--label-column": "labelColumn", "--text-column": "textColumn", "--save": "save",
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new UsageError(`unknown or incomplete option ${argv[i]}`);
    options[key] = argv[i + 1];
  }
  if (options.task !== "sentiment" && options.task !== "topic") throw new UsageError("--task must be sentiment or topic");
  if (!options.data) throw new UsageError("--data <csv> is required");
  if (options.train && options.task !== "topic") throw new UsageError("--train applies to --task topic");
  return options;
}

function column(rows: Array<Record<string, string>>, name: string, file: string): string[] {
  if (rows.length > 0 && !(name in rows[0])) throw new BadDataError(`${file} has no "${name}" column`);
  return rows.map((row) => row[name]);
}

function main(): number {
  let options: ReturnType<typeof parseArguments>;
  let bundle: SerializedTextModelBundle;
  try {
    options = parseArguments(process.argv.slice(2));
    bundle = JSON.parse(readFileSync(options.model, "utf8")) as SerializedTextModelBundle;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    let engine = createTextEngine(bundle);
    if (options.train) {
      const rows = readCsvColumns(options.train);
      const texts = column(rows, options.textColumn, options.train);
      const labels = column(rows, options.labelColumn, options.train);
      // The features the bundle's topic model reads (its length features too, if it has them).
      const lengthThresholds = bundle.topics?.lengthThresholds;
      const featureOptions = { ...textFeatureOptions(bundle), lengthThresholds };
      const examples = texts.flatMap((text, index) => {
        const language = detectLanguage(text);
        return language && labels[index] ? [{ features: extractFeatures(text, language, featureOptions), label: labels[index] }] : [];
      });
      const fitted = trainLinearModel(examples, [...new Set(examples.map((example) => example.label))].sort(), "mixed", FEATURE_HASH_BITS, {
        ...DEFAULT_TRAINING_OPTIONS,
        // A hand-labelled set is small: every feature it has counts.
        minDocumentFrequency: 1,
      });
      const topicModel = withLengthThresholds(fitted, lengthThresholds);
      engine = createTextEngine(bundle, { topicModel });
      if (options.save) {
        const saved: SerializedTextModelBundle = { ...bundle, version: engine.version, topics: serializeLinearModel(topicModel) };
        writeFileSync(options.save, JSON.stringify(saved) + "\n");
      }
    }
    const rows = readCsvColumns(options.data);
    for (const text of column(rows, options.textColumn, options.data)) {
      const analysis = engine.analyze(text);
      const line =
        options.task === "sentiment"
          ? { language: analysis.language, sentiment: analysis.sentiment, score: analysis.score }
          : { language: analysis.language, topic: analysis.topic, confidence: analysis.topicConfidence, sentiment: analysis.sentiment, score: analysis.score };
      process.stdout.write(JSON.stringify(line) + "\n");
    }
    return 0;
  } catch (error) {
    if (error instanceof ModelFormatError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof StatsInputError || error instanceof BadDataError || error instanceof TrainingDataError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main();
