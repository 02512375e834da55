import type { Db, Principal } from "../../env";
import { auditLog } from "../schema";
import { newId } from "../../lib/ids";

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: unknown;
};

/** The audit row as a statement, so callers put it in the same batch as the change it records. */
export function auditInsert(db: Db, principal: Pick<Principal, "kind" | "id" | "organizationId">, entry: AuditEntry, at = new Date()) {
  return db.insert(auditLog).values({
    id: newId("aud"),
    organizationId: principal.organizationId,
    actorKind: principal.kind,
    actorId: principal.id,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    data: entry.data ?? null,
    at,
  });
}

/** Every export of responses leaves the same record, whatever its format. */
export function auditResponsesExported(db: Db, principal: Pick<Principal, "kind" | "id" | "organizationId">, surveyId: string, format: "csv" | "xlsx", rows: number) {
  return auditInsert(db, principal, { action: "responses.exported", targetType: "survey", targetId: surveyId, data: { format, rows } });
}
