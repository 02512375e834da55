/** Canned replies of an organisation's desk (src/domain/complaints/reply-templates.ts), each change with its audit row in one batch. */
import { and, asc, eq } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { replyTemplates } from "../schema";
import type { ReplyTemplateInput } from "../../domain/complaints";
import { newId } from "../../lib/ids";
import { auditInsert } from "./audit";

export type ReplyTemplateRow = typeof replyTemplates.$inferSelect;
type Actor = Pick<Principal, "kind" | "id" | "organizationId">;

export function listReplyTemplates(db: Db, organizationId: string): Promise<ReplyTemplateRow[]> {
  return db.select().from(replyTemplates).where(eq(replyTemplates.organizationId, organizationId)).orderBy(asc(replyTemplates.name));
}

export async function findReplyTemplate(db: Db, organizationId: string, id: string): Promise<ReplyTemplateRow | undefined> {
  const [row] = await db.select().from(replyTemplates).where(and(eq(replyTemplates.organizationId, organizationId), eq(replyTemplates.id, id)));
  return row;
}

async function nameTaken(db: Db, organizationId: string, name: string, exceptId?: string): Promise<boolean> {
  const [row] = await db
    .select({ id: replyTemplates.id })
    .from(replyTemplates)
    .where(and(eq(replyTemplates.organizationId, organizationId), eq(replyTemplates.name, name)));
  return row !== undefined && row.id !== exceptId;
}

/** Creates the template; undefined when the organisation already has one of that name. */
export async function createReplyTemplate(db: Db, actor: Actor, input: ReplyTemplateInput, now: Date): Promise<ReplyTemplateRow | undefined> {
  if (await nameTaken(db, actor.organizationId, input.name)) return undefined;
  const id = newId("rtp");
  await db.batch([
    db.insert(replyTemplates).values({ id, organizationId: actor.organizationId, name: input.name, body: input.body, createdBy: actor.id, createdAt: now, updatedAt: now }),
    auditInsert(db, actor, { action: "reply_template.created", targetType: "reply_template", targetId: id, data: { name: input.name } }, now),
  ]);
  return findReplyTemplate(db, actor.organizationId, id);
}

/** Replaces name and texts; "missing" when there is no such template here, "name_taken" when another has the name. */
export async function updateReplyTemplate(db: Db, actor: Actor, id: string, input: ReplyTemplateInput, now: Date): Promise<ReplyTemplateRow | "missing" | "name_taken"> {
  if (!(await findReplyTemplate(db, actor.organizationId, id))) return "missing";
  if (await nameTaken(db, actor.organizationId, input.name, id)) return "name_taken";
  const where = and(eq(replyTemplates.organizationId, actor.organizationId), eq(replyTemplates.id, id));
  await db.batch([
    db.update(replyTemplates).set({ name: input.name, body: input.body, updatedAt: now }).where(where),
    auditInsert(db, actor, { action: "reply_template.updated", targetType: "reply_template", targetId: id, data: { name: input.name } }, now),
  ]);
  return (await findReplyTemplate(db, actor.organizationId, id)) ?? "missing";
}

export async function deleteReplyTemplate(db: Db, actor: Actor, id: string, now: Date): Promise<boolean> {
  const existing = await findReplyTemplate(db, actor.organizationId, id);
  if (!existing) return false;
  await db.batch([
    db.delete(replyTemplates).where(and(eq(replyTemplates.organizationId, actor.organizationId), eq(replyTemplates.id, id))),
    auditInsert(db, actor, { action: "reply_template.deleted", targetType: "reply_template", targetId: id, data: { name: existing.name } }, now),
  ]);
  return true;
}
