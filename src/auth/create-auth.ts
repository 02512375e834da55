import { betterAuth } from "better-auth/minimal";
import { organization } from "better-auth/plugins/organization";
import type { AppBindings, Db } from "../env";
import { authDatabase } from "../db/auth-database";
import { createDb } from "../db/client";
import { placeNewOrganisation, refreshOrganisationCopies, refreshUserCopies } from "../db/shards";
import { DEVELOPMENT_SEGMENTS, hashPassword, PRODUCTION_SEGMENTS, verifyPassword } from "./password";
import { accessControl, authRoles } from "./roles";
import { isProductionEnv } from "../domain/deployment-config";

function buildAuth(env: AppBindings, db: Db) {
  // Only an explicit development/test opt-in relaxes origins and rate limits; anything else is production.
  const isLocal = !isProductionEnv(env.APP_ENV);
  return betterAuth({
    secret: env.BETTER_AUTH_SECRET,
    baseURL: env.PUBLIC_ORIGIN,
    trustedOrigins: [env.PUBLIC_ORIGIN, "http://127.0.0.1:*", "http://localhost:*"].filter(
      (origin) => isLocal || !origin.includes("*"),
    ),
    database: authDatabase(db),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 10,
      password: { hash: (password) => hashPassword(password, isLocal ? DEVELOPMENT_SEGMENTS : PRODUCTION_SEGMENTS), verify: verifyPassword },
    },
    session: {
      // Each auth.api call re-reads the session; a short signed cookie cache saves a D1 read per request.
      cookieCache: { enabled: true, maxAge: 60 },
    },
    advanced: {
      // Cloudflare sets cf-connecting-ip and a client cannot; x-forwarded-for is whatever the client sent.
      ipAddress: { ipAddressHeaders: ["cf-connecting-ip"] },
      // Secure cookies everywhere except plain-http local development.
      useSecureCookies: env.PUBLIC_ORIGIN.startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    rateLimit: { enabled: !isLocal, storage: "database" },
    // A shard's copy of a user follows their own name or e-mail change (docs/scaling.md 4.1).
    databaseHooks: { user: { update: { after: (user) => refreshUserCopies(env, user.id) } } },
    plugins: [
      organization({
        ac: accessControl,
        roles: authRoles,
        creatorRole: "owner",
        teams: { enabled: true },
        // Member management goes through Feedloop's own routes, which apply the no-escalation rule.
        allowUserToCreateOrganization: true,
        // Shards (docs/scaling.md 4.1): a new organisation is placed in a shard, and a shard's copies
        // of an organisation's identity rows follow every membership change in the control plane.
        organizationHooks: {
          afterCreateOrganization: async ({ organization }) => void (await placeNewOrganisation(env, organization.id)),
          afterUpdateOrganization: async ({ organization }) => (organization ? refreshOrganisationCopies(env, organization.id) : undefined),
          afterAddMember: ({ organization }) => refreshOrganisationCopies(env, organization.id),
          afterRemoveMember: ({ organization }) => refreshOrganisationCopies(env, organization.id),
          afterUpdateMemberRole: ({ organization }) => refreshOrganisationCopies(env, organization.id),
          afterAcceptInvitation: ({ organization }) => refreshOrganisationCopies(env, organization.id),
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof buildAuth>;

/**
 * One instance per env binding object for the isolate's lifetime, but shared only once its
 * initialisation promise (`$context`) has settled in the request that built it: a promise created
 * in one request and awaited by another whose first awaiter has ended is exactly what Workers do not
 * allow across request contexts. Requests arriving while it settles build their own (≈ 1 ms).
 */
const authByEnv = new WeakMap<object, Auth>();

export function getAuth(env: AppBindings): Auth {
  const cached = authByEnv.get(env);
  if (cached) return cached;
  const auth = buildAuth(env, createDb(env.DB));
  auth.$context.then(
    () => authByEnv.set(env, auth),
    () => undefined,
  );
  return auth;
}
