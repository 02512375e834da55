/**
 * Issue 17, saved views at the desk: staff save the queue's filters under a name, find the view again
 * from an unfiltered queue, apply it (the filters come back) and delete it — axe clean.
 */
import { expect, inject, test } from "vitest";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn } from "./staff";

const origin = inject("origin");

test("a saved view brings its filters back and its owner deletes it", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "staff");
    const name = `Urgent billing ${Date.now().toString(36)}`;
    await page.goto(`${origin}/app/complaints?priority=urgent&category=billing`);
    await page.getByLabel("Name for the current filters").fill(name);
    await page.getByRole("button", { name: "Save view" }).click();
    const view = page.getByRole("link", { name });
    await expect.poll(() => view.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await page.getByRole("status").filter({ hasText: "Saved" }).count()) > 0).toBe(true);
    await expectAccessible(page, "the queue with a saved view");

    await page.goto(`${origin}/app/complaints`);
    expect(await page.locator("#cq-priority").inputValue()).toBe("");
    await page.getByRole("link", { name }).click();
    await page.waitForURL((url) => url.searchParams.get("priority") === "urgent" && url.searchParams.get("category") === "billing");
    await expect.poll(() => page.locator("#cq-priority").inputValue()).toBe("urgent");

    await page.getByRole("button", { name: `Delete the view “${name}”` }).click();
    await expect.poll(() => page.getByRole("link", { name }).count()).toBe(0);
  } finally {
    await browser.close();
  }
});
