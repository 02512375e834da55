import type { AppBindings, Db } from "../env";
import { getAuth } from "../auth/create-auth";
import { organisationDb } from "../db/shards";
import { findMembership, findOrganisation } from "../db/queries/organisation";
import { ensureOrganisationSettings, findUserIdByEmail } from "../db/queries/demo-seed";
import type { Role } from "../domain/permissions";

export type SeedMember = { email: string; name: string; password: string; role: Role };

/**
 * Creates (or finds) an organisation and its members through better-auth's own server API, so
 * seeded accounts are exactly what sign-up would have produced. Idempotent: safe to run again.
 */
export async function ensureOrganisation(
  env: AppBindings,
  db: Db,
  input: { name: string; slug: string; timeZone: string; members: SeedMember[] },
): Promise<{ organizationId: string; userIds: Record<string, string> }> {
  const auth = getAuth(env);
  const userIds: Record<string, string> = {};
  for (const m of input.members) {
    const existing = await findUserIdByEmail(db, m.email);
    if (existing) {
      userIds[m.email] = existing;
      continue;
    }
    const created = await auth.api.signUpEmail({ body: { email: m.email, password: m.password, name: m.name } });
    userIds[m.email] = created.user.id;
  }

  const owner = input.members.find((m) => m.role === "owner");
  if (!owner) throw new Error("An organisation needs an owner");
  let org = await findOrganisation(db, { slug: input.slug });
  if (!org) {
    await auth.api.createOrganization({ body: { name: input.name, slug: input.slug, userId: userIds[owner.email] } });
    org = await findOrganisation(db, { slug: input.slug });
    if (!org) throw new Error(`Organisation ${input.slug} was not created`);
  }
  const organizationId = org.id;

  for (const m of input.members) {
    const userId = userIds[m.email]!;
    const membership = await findMembership(db, userId, organizationId);
    if (!membership) {
      await auth.api.addMember({ body: { userId, organizationId, role: m.role } });
    }
  }
  // The organisation's own rows go to its shard (docs/scaling.md 4.1; shard 0 = `db` unless placed elsewhere).
  await ensureOrganisationSettings(await organisationDb(env, organizationId), organizationId, input.timeZone);
  return { organizationId, userIds };
}
