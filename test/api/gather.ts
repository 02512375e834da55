/// <reference types="vite/client" />
/**
 * The Worker test files run several to one vitest file. Each vitest file costs a new Miniflare (a workerd
 * process and the Worker's module graph, ≈ 5 s on CI's two cores); 39 files paid that 39 times. Every
 * `*.test.ts` in this folder is a test module gathered into one of `GATHERED_FILE_COUNT` files
 * (`gathered-<k>.test-group.ts`), by its place in name order, so a new test file is picked up without
 * being listed. Each module runs inside its own `describe` (named after the file: run one with
 * `npx vitest run --project workers -t <name>`) after `freshDatabase()` of each shard, so it still starts from
 * empty, migrated databases, as it did with one storage per file.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, test } from "vitest";
import { freshDatabase } from "./fresh-database";

export const GATHERED_FILE_COUNT = 4;

const modules = import.meta.glob<unknown>("./*.test.ts");
const gatheredFiles = import.meta.glob<unknown>("./gathered-*.test-group.ts");

/** The test modules of gathered file `index` (1-based) — every module is in exactly one. */
export function modulesOfGatheredFile(index: number): [string, () => Promise<unknown>][] {
  return Object.entries(modules)
    .sort(([a], [b]) => a.localeCompare(b))
    .filter((_, position) => position % GATHERED_FILE_COUNT === index - 1);
}

export function runGatheredFile(index: number): void {
  for (const [path, load] of modulesOfGatheredFile(index)) {
    describe(path.replace(/^\.\/|\.test\.ts$/g, ""), async () => {
      beforeAll(async () => {
        await freshDatabase(env.DB);
        await freshDatabase(env.DB_SHARD_1);
      });
      await load();
    });
  }
  test("its share of the Worker test files was found", () => {
    expect(Object.keys(modules).length).toBeGreaterThan(30);
    expect(modulesOfGatheredFile(index).length).toBeGreaterThan(0);
    // A missing gathered file would drop its share of the modules without a failure anywhere else.
    expect(Object.keys(gatheredFiles).length).toBe(GATHERED_FILE_COUNT);
  });
}
