import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { createDb } from "../../src/db/client";
import { ensureOrganisation, type SeedMember } from "../../src/seed/organisations";
import { createApiKey } from "../../src/db/queries/api-keys";
import type { Role } from "../../src/domain/permissions";
import { ROLES } from "../../src/domain/permissions";

export const ORIGIN = "http://127.0.0.1:8787";

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("origin")) headers.set("origin", ORIGIN);
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers }));
}

export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export const db = () => createDb(env.DB);

export type TestOrg = {
  organizationId: string;
  /** A session cookie per role. */
  cookies: Record<Role, string>;
  /** An API key per role. */
  keys: Record<Role, string>;
  userIds: Record<Role, string>;
};

const PASSWORD = "correct horse battery";

async function signIn(email: string): Promise<string> {
  const res = await call("/api/auth/sign-in/email", json("POST", { email, password: PASSWORD }));
  if (res.status !== 200) throw new Error(`sign-in failed ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return cookie;
}

/** An organisation with one member (and one API key) per role. */
export async function createTestOrg(slug: string): Promise<TestOrg> {
  const members: SeedMember[] = ROLES.map((role) => ({
    email: `${role}@${slug}.test`,
    name: `${role} of ${slug}`,
    password: PASSWORD,
    role,
  }));
  const { organizationId, userIds } = await ensureOrganisation(env, db(), { name: slug, slug, timeZone: "Asia/Shanghai", members });
  const cookies = {} as Record<Role, string>;
  const keys = {} as Record<Role, string>;
  const ids = {} as Record<Role, string>;
  for (const role of ROLES) {
    cookies[role] = await signIn(`${role}@${slug}.test`);
    ids[role] = userIds[`${role}@${slug}.test`]!;
    const key = await createApiKey(db(), { kind: "user", id: ids[role], name: role, organizationId, role: "owner" }, { name: `${role} key`, role });
    keys[role] = key.key;
  }
  return { organizationId, cookies, keys, userIds: ids };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
