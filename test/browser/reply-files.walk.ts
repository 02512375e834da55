/**
 * Issue 17, attachments on replies: a member of staff attaches a file to a reply in the composer, the
 * timeline lists it, and the customer downloads it from the status page — in English and Chinese, axe
 * clean on both pages.
 */
import { expect, inject, test } from "vitest";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn, staffApi } from "./staff";

const origin = inject("origin");

test("staff send a file with a reply and the customer downloads it from the status page", async () => {
  const created = await staffApi<{ id: string; reference: string }>("POST", "/api/complaints", {
    subject: "Scratched table top",
    description: "The table top arrived scratched along one edge.",
    contact: { email: `files-${Date.now().toString(36)}@example.com`, name: "Lin Wei" },
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "staff");
    await page.goto(`${origin}/app/complaints/${created.id}`);
    await page.locator("#composer-text").fill("Here is the return label; print it and tape it to the box.");
    await page.getByLabel(/^Attach files/).setInputFiles({ name: "return-label.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% return label\n") });
    await expect.poll(() => page.getByText("1 file(s) attached").count()).toBe(1);
    await page.getByRole("button", { name: "Send reply" }).click();
    const staffLink = page.locator("#timeline a", { hasText: "return-label.pdf" });
    await expect.poll(() => staffLink.count(), { timeout: 20_000 }).toBe(1);
    // The composer is empty again, ready for the next reply.
    expect(await page.locator("#composer-files").inputValue()).toBe("");
    await expectAccessible(page, "the complaint after a reply with a file");

    const { statusUrl } = await staffApi<{ statusUrl: string }>("GET", `/api/complaints/${created.id}/status-link`);
    for (const [lang, label] of [["en", "Files sent with this reply"], ["zh-CN", "随回复发送的文件"]] as const) {
      const status = new URL(statusUrl);
      status.searchParams.set("lang", lang);
      await page.goto(`${origin}${status.pathname}${status.search}`);
      const files = page.getByRole("list", { name: label });
      await expect.poll(() => files.count()).toBe(1);
      const link = files.getByRole("link", { name: "return-label.pdf" });
      const download = await browser.context.request.get(new URL((await link.getAttribute("href"))!, origin).toString());
      expect(download.status()).toBe(200);
      expect(download.headers()["content-disposition"]).toContain("return-label.pdf");
      expect((await download.body()).toString()).toBe("%PDF-1.4\n% return label\n");
      await expectAccessible(page, `the status page with a file (${lang})`);
    }
  } finally {
    await browser.close();
  }
});
