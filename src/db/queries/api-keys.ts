import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { changeControlPlane, shardOf } from "../shards";
import { auditStatement } from "./response-admin";
import { refreshIdentityCopies } from "./shard-move";
import type { Role } from "../../domain/permissions";
import { apiKeys, member } from "../schema";
import { newId, randomSecret, sha256Hex } from "../../lib/ids";
import { API_KEY_PREFIX } from "../../domain/api-keys";
import { auditInsert } from "./audit";

export type ApiKeySummary = {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
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
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

// API keys live in the control plane (docs/scaling.md 4.1): `shardOf(db).control`, whichever shard `db` is.
export async function listApiKeys(db: Db, organizationId: string): Promise<ApiKeySummary[]> {
  const rows = await shardOf(db).control.select().from(apiKeys).where(eq(apiKeys.organizationId, organizationId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(summarise);
}

/**
 * The unrevoked key with this SHA-256, with its creator's current role in the key's organisation
 * (null when they are no longer a member): the key follows its creator (domain apiKeyStanding).
 */
export async function findUnrevokedApiKey(db: Db, keyHash: string) {
  const [found] = await db
    .select({ key: apiKeys, creatorRole: member.role })
    .from(apiKeys)
    .leftJoin(member, and(eq(member.userId, apiKeys.createdBy), eq(member.organizationId, apiKeys.organizationId)))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return found;
}

export async function recordApiKeyUse(db: Db, id: string, at: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id)).run();
}

/** Whether any key (revoked or not) has this SHA-256. */
export async function apiKeyHashExists(db: Db, keyHash: string): Promise<boolean> {
  const row = await shardOf(db).control.query.apiKeys.findFirst({ where: eq(apiKeys.keyHash, keyHash), columns: { id: true } });
  return Boolean(row);
}

/**
 * The member a new key answers to: the signed-in user, or — for a key made with a key — the member
 * behind that key, so the new key also stops working when they leave or are demoted.
 */
async function accountableUserId(db: Db, principal: Principal): Promise<string | null> {
  if (principal.kind === "user") return principal.id;
  const parent = await shardOf(db).control.query.apiKeys.findFirst({ where: eq(apiKeys.id, principal.id), columns: { createdBy: true } });
  return parent?.createdBy ?? null;
}

/** Creates a key and returns it in plain text exactly once; only its SHA-256 is stored. */
export async function createApiKey(
  db: Db,
  principal: Principal,
  input: { name: string; role: Role; plainKey?: string; expiresAt?: string },
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
    createdBy: await accountableUserId(db, principal),
    createdAt: now,
    expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
  };
  const { control } = shardOf(db);
  const audit = auditInsert(db, principal, { action: "api_key.created", targetType: "api_key", targetId: id, data: { name: input.name, role: input.role, expiresAt: row.expiresAt?.toISOString() ?? null } });
  if (control === db) await db.batch([db.insert(apiKeys).values(row), audit]);
  else {
    // The key in the control plane, its audit row (and the copy of the key, for names) in the shard: no shared transaction.
    await control.insert(apiKeys).values(row).run();
    await audit.run();
    await refreshIdentityCopies(control.$client, db.$client, principal.organizationId);
  }
  return { ...summarise({ ...row, lastUsedAt: null, revokedAt: null }), key };
}

export async function revokeApiKey(db: Db, principal: Principal, id: string): Promise<boolean> {
  // The audit row is written only when this statement revoked a key of the caller's organisation
  // (`changes()` of the UPDATE just before it in the batch): an unknown, foreign or already revoked
  // id answers 404 and leaves no "api_key.revoked" record behind.
  const now = new Date();
  const [updated] = await changeControlPlane(
    db,
    principal.organizationId,
    (control) => [control.prepare("UPDATE api_keys SET revoked_at = ?1 WHERE id = ?2 AND organization_id = ?3 AND revoked_at IS NULL").bind(now.getTime(), id, principal.organizationId)],
    (when) => [auditStatement(db.$client, principal, { action: "api_key.revoked", targetType: "api_key", targetId: id }, now, when)],
  );
  return (updated?.meta.changes ?? 0) > 0;
}
