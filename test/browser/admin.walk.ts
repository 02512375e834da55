/**
 * Organisation administration in the staff app: the no-escalation rule as the UI shows it, staff
 * invitations (and the server's refusal shown as such), role changes and deactivation, the
 * organisation's settings, webhooks with their secret shown once, and the filterable audit log.
 */
import { describe, expect, inject, it } from "vitest";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn, staffApi } from "./staff";
import { untranslatedWords } from "./latin-words";
// @ts-expect-error -- plain ESM helper shared with the start script
import { ensureDevVars } from "../../scripts/local-env.mjs";
import { staffInvitationAcceptUrl } from "../../src/lib/link-secrets";

const origin = inject("origin");

type Member = { id: string; email: string; role: string; name: string };

describe("organisation administration", () => {
  it("a manager can invite staff but is offered no role above their own; a refused invitation shows the server's reason", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await signIn(page, "manager");
      await page.goto(`${origin}/app/admin/members`);
      const table = page.locator("[data-testid=members-table]");
      await table.locator("tbody tr").first().waitFor();
      // Managers see members but cannot change roles or deactivate anyone.
      expect(await table.locator("select").count()).toBe(0);
      expect(await table.getByRole("button", { name: "Deactivate" }).count()).toBe(0);
      // Admin-only sections are not offered.
      const tabs = await page.locator("nav.tabs a").allTextContents();
      expect(tabs).toEqual(["Members and roles", "Organisation", "Scheduled reports"]);
      expect(await page.locator("#inv-staff-role option").allTextContents()).toEqual(["Viewer", "Staff", "Manager"]);
      await expectAccessible(page, "members and roles (manager)");

      const email = `new-staff-${Date.now().toString(36)}@example.com`;
      await page.fill("#inv-staff-email", email);
      await page.selectOption("#inv-staff-role", "staff");
      await page.getByRole("button", { name: "Send invitation" }).click();
      await page.getByText(`Invitation sent to ${email}.`).waitFor();
      await page.locator("td", { hasText: email }).waitFor();
      // The accept link goes to the invitee alone (issue 12, finding 1): the inviter's page never shows it.
      expect(await page.content()).not.toContain("/app/invite/");

      // An existing member cannot be invited again: the server's problem is shown.
      await page.fill("#inv-staff-email", "viewer@demo.feedloop.test");
      await page.getByRole("button", { name: "Send invitation" }).click();
      await page.locator(".alert-error").getByText(/already/i).waitFor();

      // Scheduled e-mail reports: the manager adds a monthly digest and sees it listed, in English and Chinese.
      const reportName = `Monthly KPIs ${Date.now().toString(36)}`;
      await page.goto(`${origin}/app/admin/reports`);
      await page.locator("#rs-name").waitFor();
      await page.fill("#rs-name", reportName);
      await page.selectOption("#rs-kind", "monthly");
      await page.fill("#rs-monthday", "2");
      await page.selectOption("#rs-hour", "9");
      await page.fill("#rs-zone", "Asia/Shanghai");
      await page.getByRole("button", { name: "Schedule", exact: true }).click();
      await page.getByText(`“${reportName}” is scheduled.`).waitFor();
      const reportRow = page.locator("[data-testid=report-schedules-table] tr", { hasText: reportName });
      await reportRow.waitFor();
      expect(await reportRow.textContent()).toContain("Monthly on day 2 at 09:00");
      await expectAccessible(page, "scheduled reports with a new schedule");
      await page.click("button[lang=zh-CN]");
      await expect.poll(() => reportRow.textContent()).toContain("每月 2 日 09:00");
      const names = (await staffApi<{ items: { name: string }[] }>("GET", "/api/organisation/members")).items.map((m) => m.name);
      expect(await untranslatedWords(page, [...names, reportName])).toEqual([]);
      await expectAccessible(page, "scheduled reports in Chinese");
      // Deleting asks first (in Chinese now), then the schedule is gone from the list.
      await reportRow.getByRole("button", { name: `删除 ${reportName}` }).click();
      const dialog = page.locator("[data-testid=confirm-dialog]");
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain(`删除定期报告「${reportName}」？`);
      expect(await reportRow.count()).toBe(1);
      await expectAccessible(page, "delete a scheduled report: confirmation");
      await dialog.locator("button[type=submit]").click();
      await page.getByText(`「${reportName}」已删除。`).waitFor();
      await reportRow.waitFor({ state: "detached" });
      expect((await staffApi<{ items: { name: string }[] }>("GET", "/api/report-schedules")).items.map((item) => item.name)).not.toContain(reportName);
    } finally {
      await browser.close();
    }
  });

  it("an admin changes a role and deactivates a member who joined by invitation", async () => {
    // A colleague joins through an invitation (sign-up and accept over the API).
    const email = `joiner-${Date.now().toString(36)}@example.com`;
    const invitation = await (async () => {
      const page = await launchBrowser();
      try {
        const p = await page.context.newPage();
        await signIn(p, "admin");
        return await p.evaluate(async (address) => {
          const res = await fetch("/api/organisation/invitations", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: address, role: "viewer" }) });
          return (await res.json()) as { id: string };
        }, email);
      } finally {
        await page.close();
      }
    })();
    const signUp = await fetch(`${origin}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email, password: "joiner-password-2026", name: "New Joiner" }),
    });
    expect(signUp.status, await signUp.clone().text()).toBe(200);
    const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    // The link the invitee's e-mail carries, derived from the local .dev.vars secret as the sender does.
    const acceptUrl = await staffInvitationAcceptUrl({ ...(ensureDevVars() as { LINK_SIGNING_SECRET: string }), PUBLIC_ORIGIN: origin }, invitation.id);
    const token = acceptUrl.slice(acceptUrl.lastIndexOf("/") + 1);
    const accept = await fetch(`${origin}/api/staff-invitations/${token}/accept`, { method: "POST", headers: { cookie, origin } });
    expect(accept.status, await accept.clone().text()).toBe(200);

    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await signIn(page, "admin");
      await page.goto(`${origin}/app/admin/members`);
      const row = page.locator(`tr[data-member="${email}"]`);
      await row.waitFor();
      // The owner row is not editable by an admin; the admin's own row neither.
      expect(await page.locator('tr[data-member="owner@demo.feedloop.test"] select').count()).toBe(0);
      expect(await page.locator('tr[data-member="admin@demo.feedloop.test"] select').count()).toBe(0);
      expect(await row.locator("select option").allTextContents()).toEqual(["Viewer", "Staff", "Manager", "Admin"]);
      await row.locator("select").selectOption("staff");
      await page.getByText("New Joiner is now Staff.").waitFor();
      const members = await staffApi<{ items: Member[] }>("GET", "/api/organisation/members");
      expect(members.items.find((m) => m.email === email)?.role).toBe("staff");

      await row.getByRole("button", { name: "Deactivate" }).click();
      await page.locator("[data-testid=confirm-dialog]").waitFor();
      await expectAccessible(page, "the deactivation confirmation");
      await page.locator("[data-testid=confirm-dialog] button[type=submit]").click();
      await page.getByText(/New Joiner was deactivated/).waitFor();
      await row.waitFor({ state: "detached" });
    } finally {
      await browser.close();
    }
    const after = await staffApi<{ items: Member[] }>("GET", "/api/organisation/members");
    expect(after.items.some((m) => m.email === email)).toBe(false);
  });

  it("an admin edits the organisation settings, adds a webhook (secret shown once) and finds it in the audit log", async () => {
    const original = await staffApi<Record<string, unknown>>("GET", "/api/organisation/settings");
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await signIn(page, "admin");

      await page.goto(`${origin}/app/admin/organisation`);
      await page.locator("#org-tz").waitFor();
      await page.fill("#org-tz", "Not/AZone");
      await page.getByRole("button", { name: "Save settings" }).click();
      // The server's validation message appears next to the field.
      await page.locator("#org-tz-error").waitFor();
      await expectAccessible(page, "organisation settings with an error");
      await page.fill("#org-tz", "Asia/Shanghai");
      await page.fill("#org-fatigue", "45");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText("Settings saved.").waitFor();
      const saved = await staffApi<{ timeZone: string; fatigueDays: number }>("GET", "/api/organisation/settings");
      expect(saved).toMatchObject({ timeZone: "Asia/Shanghai", fatigueDays: 45 });

      await page.goto(`${origin}/app/admin/webhooks`);
      const url = `http://127.0.0.1:9/hook-${Date.now().toString(36)}`;
      await page.fill("#wh-url", url);
      await page.getByRole("button", { name: "Add endpoint" }).click();
      const secret = page.locator("[data-testid=webhook-secret] code");
      await secret.waitFor();
      expect(await secret.textContent()).toMatch(/^whsec_.{20,}/);
      const listed = page.locator(".a-endpoint", { hasText: url });
      await listed.waitFor();
      // In the list only the secret's first characters are shown.
      expect(await listed.textContent()).toContain("…");
      await expectAccessible(page, "webhooks with the new secret shown");
      await listed.getByRole("button", { name: "Delivery log" }).click();
      await page.getByText("No delivery attempts yet.").waitFor();
      await expectAccessible(page, "the delivery log drawer");
      await page.locator("dialog.drawer").getByRole("button", { name: "Close" }).click();
      await listed.getByRole("button", { name: "Disable" }).click();
      await listed.getByText("Disabled").waitFor();

      await page.goto(`${origin}/app/admin/audit?action=webhook.*`);
      const audit = page.locator("[data-testid=audit-table]");
      await audit.getByText("Added a webhook endpoint").first().waitFor();
      await audit.getByText("Changed a webhook endpoint").first().waitFor();
      expect(await audit.getByText("Changed the organisation's settings").count()).toBe(0);
      await expectAccessible(page, "the audit log");
    } finally {
      await browser.close();
      await staffApi("PATCH", "/api/organisation/settings", { timeZone: original.timeZone, fatigueDays: original.fatigueDays });
    }
  });
});
