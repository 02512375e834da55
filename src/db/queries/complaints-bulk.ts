/**
 * Bulk actions on the complaint queue (src/domain/complaints/bulk.ts): every complaint is read in
 * the organisation, planned by the workflow rules, and all the changes are written in one D1 batch
 * (each complaint's statements gated on its own version check), with a result per complaint.
 */
import { and, eq, inArray, or } from "drizzle-orm";
import type { AppBindings, Db } from "../../env";
import { complaints } from "../schema";
import { type ComplaintBulkAction, type BulkItemFailure, planBulkItem, type ResolvedBulkAction } from "../../domain/complaints";
import { newId } from "../../lib/ids";
import { validationProblem } from "../../lib/problem";
import { type ComplaintRow, type ComplaintWrite, complaintWriteStatements, loadComplaintContext, rowToComplaint } from "./complaints";
import { type ActingParty, notificationsFor } from "./complaints-actions";
import { isOrgMember } from "./complaints-config";

export type BulkItemResult =
  | { id: string; reference: string | null; ok: true; changed: boolean; state: string }
  | { id: string; reference: string | null; ok: false; reason: BulkItemFailure; message: string };

export type BulkResult = { bulkId: string; results: BulkItemResult[]; changed: number; unchanged: number; failed: number; outboxIds: string[] };

/** The kept complaint of a duplicate close, by id or reference, in this organisation only. */
async function findKeptComplaint(db: Db, organizationId: string, key: string): Promise<Pick<ComplaintRow, "id" | "reference">> {
  const [kept] = await db
    .select({ id: complaints.id, reference: complaints.reference })
    .from(complaints)
    .where(and(eq(complaints.organizationId, organizationId), or(eq(complaints.id, key), eq(complaints.reference, key.toUpperCase()))))
    .limit(1);
  if (!kept) throw validationProblem([{ field: "action.duplicateOf", code: "unknown_complaint", message: `no complaint ${key} in this organisation` }]);
  return kept;
}

async function resolveAction(db: Db, organizationId: string, action: ComplaintBulkAction): Promise<ResolvedBulkAction> {
  switch (action.kind) {
    case "assign":
      if (action.assigneeId && !(await isOrgMember(db, organizationId, action.assigneeId))) {
        throw validationProblem([{ field: "action.assigneeId", code: "unknown_member", message: `user ${action.assigneeId} is not a member of this organisation` }]);
      }
      return action;
    case "set_priority":
      return action;
    case "close_as_duplicate":
      return { kind: "close_as_duplicate", duplicateOf: await findKeptComplaint(db, organizationId, action.duplicateOf) };
  }
}

export async function bulkComplaintAction(
  db: Db,
  env: AppBindings,
  input: { organizationId: string; ids: string[]; action: ComplaintBulkAction; party: ActingParty; now: Date },
): Promise<BulkResult> {
  const ids = [...new Set(input.ids)];
  const action = await resolveAction(db, input.organizationId, input.action);
  const [rows, ctx] = await Promise.all([
    db.select().from(complaints).where(and(eq(complaints.organizationId, input.organizationId), inArray(complaints.id, ids))),
    loadComplaintContext(db, input.organizationId),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const bulkId = newId("blk");
  const results = new Map<string, BulkItemResult>();
  const writes: { row: ComplaintRow; state: string; statements: D1PreparedStatement[]; outboxIds: string[] }[] = [];

  for (const id of ids) {
    const row = byId.get(id);
    // Another organisation's complaint answers exactly like one that does not exist.
    if (!row) {
      results.set(id, { id, reference: null, ok: false, reason: "not_found", message: `no complaint ${id}` });
      continue;
    }
    const plan = planBulkItem(rowToComplaint(row), action, input.party.actor, input.now);
    if (!plan.ok) {
      results.set(id, { id, reference: row.reference, ok: false, reason: plan.reason, message: plan.message });
      continue;
    }
    if (plan.events.length === 0) {
      results.set(id, { id, reference: row.reference, ok: true, changed: false, state: row.state });
      continue;
    }
    const outbox = await notificationsFor(db, env, ctx, row, plan.complaint, plan.events, input.party.actor, input.now, action.kind === "close_as_duplicate" ? "close_as_duplicate" : undefined);
    const write: ComplaintWrite = {
      ctx,
      row,
      next: plan.complaint,
      events: plan.events,
      audit: { actor: input.party.audit, action: plan.auditAction, data: { bulkId, action } },
      outbox,
      now: input.now,
    };
    writes.push({ row, state: plan.complaint.state, statements: complaintWriteStatements(db.$client, write), outboxIds: outbox.map((item) => item.id) });
  }

  const outboxIds: string[] = [];
  if (writes.length > 0) {
    const batchResults = await db.$client.batch(writes.flatMap((write) => write.statements));
    let offset = 0;
    for (const write of writes) {
      // The first statement of each group is its version-checked update: no change = someone else changed it meanwhile.
      const updated = (batchResults[offset]?.meta.changes ?? 0) > 0;
      offset += write.statements.length;
      if (updated) outboxIds.push(...write.outboxIds);
      results.set(
        write.row.id,
        updated
          ? { id: write.row.id, reference: write.row.reference, ok: true, changed: true, state: write.state }
          : { id: write.row.id, reference: write.row.reference, ok: false, reason: "conflict", message: `${write.row.reference} was changed by someone else at the same time; reload and try again` },
      );
    }
  }
  const ordered = ids.map((id) => results.get(id)!);
  return {
    bulkId,
    results: ordered,
    changed: ordered.filter((r) => r.ok && r.changed).length,
    unchanged: ordered.filter((r) => r.ok && !r.changed).length,
    failed: ordered.filter((r) => !r.ok).length,
    outboxIds,
  };
}
