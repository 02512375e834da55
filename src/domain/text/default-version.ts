/**
 * The committed weights' version without building the engine: the re-score sweep compares stored
 * scores with it on every cron run, and decoding the weights just to learn there is nothing to do
 * would cost every run hundreds of milliseconds. Equals `defaultTextEngine().version`.
 */
import bundleJson from "./model/text-model.json";

export const DEFAULT_TEXT_MODEL_VERSION: string = (bundleJson as unknown as { version: string }).version;
