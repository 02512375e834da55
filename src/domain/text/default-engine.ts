/**
 * The engine over the committed weights (model/text-model.json, made by `npm run train:text`).
 * Built on first use, once per isolate: decoding the weights takes a few milliseconds that a
 * request which never scores text should not pay.
 */
import bundleJson from "./model/text-model.json";
import { createTextEngine, type SerializedTextModelBundle, type TextEngine } from "./engine";

let engine: TextEngine | undefined;

export function defaultTextEngine(): TextEngine {
  engine ??= createTextEngine(bundleJson as unknown as SerializedTextModelBundle);
  return engine;
}
