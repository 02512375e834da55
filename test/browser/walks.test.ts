/// <reference types="vite/client" />
/**
 * Every browser walk, gathered into one test file on purpose. The walks share one `wrangler dev` and the
 * demo survey's figures, so they must run one at a time; a project with `fileParallelism: false` would do
 * that, but vitest then runs it after every other file, as a serial tail of several minutes on CI's two
 * cores. As one file, the walks take one lane from the start of the run while the Worker files take the
 * other. Run one walk with `npx vitest run --project browser -t <walk>` (e.g. `-t experience`).
 *
 * Each walk is imported inside its own `describe`, so its top-level hooks (one Chromium per walk) stay
 * scoped to it.
 */
import { describe, expect, test } from "vitest";

// Every `*.walk.ts` beside this file, in name order: a new walk runs without being listed here.
const walks = import.meta.glob<unknown>("./*.walk.ts");

for (const [path, load] of Object.entries(walks)) {
  describe(path.replace(/^\.\/|\.walk\.ts$/g, ""), async () => {
    await load();
  });
}

test("the walks were found", () => {
  expect(Object.keys(walks).length).toBeGreaterThan(10);
});
