import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import type { Role } from "../../domain/permissions";
import { apiKeys } from "../schema";
import { newId, randomSecret, sha256Hex } from "../../lib/ids";
import { API_KEY_PREFIX } from "../../auth/principal";
import { auditInsert } from "./audit";

export type ApiKeySummary = {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

function summarise(row: typeof apiKeys.$inferSelect): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export async function listApiKeys(db: Db, organizationId: string): Promise<ApiKeySummary[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.organizationId, organizationId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(summarise);
}

/** Creates a key and returns it in plain text exactly once; only its SHA-256 is stored. */
export async function createApiKey(
  db: Db,
  principal: Principal,
  input: { name: string; role: Role; plainKey?: string },
): Promise<ApiKeySummary & { key: string }> {
  const key = input.plainKey ?? `${API_KEY_PREFIX}${randomSecret(40)}`;
  const id = newId("key");
  const now = new Date();
  const row = {
    id,
    organizationId: principal.organizationId,
    name: input.name,
    role: input.role,
    keyHash: await sha256Hex(key),
    prefix: key.slice(0, 8),
    createdBy: principal.kind === "user" ? principal.id : null,
    createdAt: now,
  };
  await db.batch([
    db.insert(apiKeys).values(row),
    auditInsert(db, principal, { action: "api_key.created", targetType: "api_key", targetId: id, data: { name: input.name, role: input.role } }),
  ]);
  return { ...summarise({ ...row, lastUsedAt: null, revokedAt: null }), key };
}

export async function revokeApiKey(db: Db, principal: Principal, id: string): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.organizationId, principal.organizationId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id }),
    auditInsert(db, principal, { action: "api_key.revoked", targetType: "api_key", targetId: id }),
  ]);
  return updated.length > 0;
}
