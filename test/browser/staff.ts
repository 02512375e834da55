/** Signing in as a demo account and calling the staff API with the demo key, shared by the browser tests. */
import { inject } from "vitest";
import type { Page } from "playwright-core";

/** Signs in through the app's sign-in form as the seeded demo account of `role`. */
export async function signIn(page: Page, role: string): Promise<void> {
  const seed = inject("seed");
  const account = seed.accounts.find((a) => a.role === role);
  if (!account) throw new Error(`no demo ${role}`);
  await page.goto(`${inject("origin")}/app/sign-in`);
  await page.fill("#email", account.email);
  await page.fill("#password", seed.password);
  await page.click("button[type=submit]");
  await page.waitForURL((url) => !url.pathname.endsWith("/sign-in"));
}

/** A staff API call with the demo admin key; throws with the problem body on any non-2xx. */
export async function staffApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject("origin")}${path}`, {
    method,
    headers: { authorization: `Bearer ${inject("demoApiKey")}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}
