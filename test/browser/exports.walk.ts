/**
 * Issue 16, exports of any size as the manager meets them: "Large export: CSV" on the responses page
 * starts the export Workflow, shows a determinate progress bar (not a spinner) that ends at 100 %, and
 * then a download link whose file is byte-identical to the one-request export of the same selection.
 */
import { expect, inject, test } from "vitest";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn } from "./staff";

const origin = inject("origin");
const seed = inject("seed");

test("a large export shows its progress as a progress bar and ends in a download of the same file as the quick export", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "manager");
    await page.goto(`${origin}/app/surveys/${encodeURIComponent(seed.surveyId)}/responses`);
    await page.getByRole("button", { name: "Large export: CSV" }).click();

    const bar = page.getByRole("progressbar");
    await expect.poll(() => bar.count(), { timeout: 20_000 }).toBe(1);
    expect(await bar.getAttribute("aria-valuemin")).toBe("0");
    expect(await bar.getAttribute("aria-valuemax")).toBe("100");
    expect(await bar.getAttribute("aria-label")).toMatch(/^Export progress of .+\.csv$/);
    const download = page.getByRole("link", { name: /^Download .+\.csv$/ });
    await expect.poll(() => download.count(), { timeout: 60_000 }).toBe(1);
    expect(await bar.getAttribute("aria-valuenow")).toBe("100");
    const [done, total] = ((await bar.getAttribute("aria-valuetext")) ?? "").match(/\d[\d,]*/g)!.map((n) => Number(n.replace(/,/g, "")));
    expect(done).toBe(total);
    expect(total).toBeGreaterThan(0);
    await expectAccessible(page, "the responses page with a finished large export");

    const href = await download.getAttribute("href");
    expect(href).toMatch(/\/api\/exports\/[^/]+\/download\?expires=\d+&sig=/);
    const chunked = await browser.context.request.get(new URL(href!, origin).toString());
    expect(chunked.status()).toBe(200);
    const quick = await browser.context.request.get(`${origin}/api/surveys/${encodeURIComponent(seed.surveyId)}/responses/export.csv`);
    expect(quick.status()).toBe(200);
    const file = await chunked.body();
    expect(file.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(file.equals(await quick.body())).toBe(true);
    // One line per exported response after the header.
    expect(file.toString("utf8").trimEnd().split(/\r?\n(?=(?:[^"]*"[^"]*")*[^"]*$)/).length - 1).toBe(total);
  } finally {
    await browser.close();
  }
});
