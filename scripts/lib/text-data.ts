/**
 * The labelled reference comments in data/text/ (copied from the project's shared reference set;
 * sources and licences in data/text/README.md) and the one fixed hold-out split that the training
 * script and the bench both use, so the bench measures on texts the committed weights never saw.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCsv } from "../../src/domain/stats";
import { splitHeldOut, type LabelledText } from "../../src/domain/text/training";
import { normalizeText } from "../../src/domain/text/tokens";

export const TEXT_DATA_DIR = fileURLToPath(new URL("../../data/text/", import.meta.url));
export const HELD_OUT_SHARE = 0.2;
export const SPLIT_SEED = 14;

/** Rows of a CSV as objects keyed by header, for the columns asked for. */
export function readCsvColumns(path: string): Array<Record<string, string>> {
  const table = parseCsv(readFileSync(path, "utf8"));
  return table.rows.map((row) => Object.fromEntries(table.header.map((name, index) => [name, row[index] ?? ""])));
}

export interface TextTask {
  name: string;
  train: LabelledText[];
  heldOut: LabelledText[];
}

export interface ReferenceSplits {
  sentimentZh: TextTask;
  sentimentEn: TextTask;
  topicsZh: TextTask;
  /** Extra Chinese sentiment training rows: the topic set's sentiment labels (training part only). */
  sentimentZhExtra: LabelledText[];
}

export function loadReferenceSplits(): ReferenceSplits {
  const sentimentRows = (file: string) =>
    readCsvColumns(TEXT_DATA_DIR + file).map((row) => ({ text: row.text, label: row.label, group: row.source }));
  const zh = splitHeldOut(sentimentRows("sentiment_zh_dev.csv"), HELD_OUT_SHARE, SPLIT_SEED);
  const en = splitHeldOut(sentimentRows("sentiment_en_dev.csv"), HELD_OUT_SHARE, SPLIT_SEED);
  const topicRows = readCsvColumns(TEXT_DATA_DIR + "topics_zh_dev.csv").map((row) => ({
    text: row.text,
    label: row.topic,
    sentiment: row.sentiment,
  }));
  const topics = splitHeldOut(topicRows, HELD_OUT_SHARE, SPLIT_SEED);
  // The topic set's hotel reviews overlap the hotel sentiment set: nothing held out of either
  // task may reach the training of the other.
  const heldOutTexts = new Set([...zh.heldOut, ...topics.heldOut].map((row) => normalizeText(row.text)));
  const notHeldOut = (row: LabelledText) => !heldOutTexts.has(normalizeText(row.text));
  return {
    sentimentZh: { name: "Chinese sentiment", train: zh.train.filter(notHeldOut), heldOut: zh.heldOut },
    sentimentEn: { name: "English sentiment", train: en.train, heldOut: en.heldOut },
    topicsZh: { name: "Chinese topics (10)", train: topics.train.filter(notHeldOut), heldOut: topics.heldOut },
    sentimentZhExtra: topics.train
      .filter(notHeldOut)
      .filter((row) => row.sentiment === "positive" || row.sentiment === "negative")
      .map((row) => ({ text: row.text, label: row.sentiment, group: "shopping" })),
  };
}

/** The English prior-polarity words (VADER lexicon, |valence| ≥ 1, single lower-case words). */
export function readLexicon(): Map<string, number> {
  const lines = readFileSync(TEXT_DATA_DIR + "vader_lexicon_words.tsv", "utf8").trim().split("\n");
  return new Map(lines.map((line) => line.split("\t")).map(([word, valence]) => [word, Number(valence)]));
}

/**
 * The domain of a Chinese sentiment training text, for the domain-augmented sentiment model: its
 * source (takeaway, hotel) or, for the shopping reviews, "shopping" (three domains) or their
 * category (eleven); the shopping set's 酒店 reviews are hotel reviews. `topicOfText`: the topic
 * set's training texts and categories.
 */
export function sentimentDomainOf(row: LabelledText, topicOfText: ReadonlyMap<string, string>, domains: 3 | 11 = 3): string {
  if (row.group === "takeaway" || row.group === "hotel") return row.group;
  const topic = topicOfText.get(row.text);
  if (topic === undefined) throw new Error(`no source or topic for a Chinese sentiment text: ${row.text.slice(0, 20)}`);
  return topic === "酒店" ? "hotel" : domains === 3 ? "shopping" : topic;
}
