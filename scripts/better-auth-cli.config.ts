// Only for schema generation: `npx @better-auth/cli@1.4.22 generate --config scripts/better-auth-cli.config.ts
// --output src/db/auth-schema.ts --yes`. The runtime instance lives in src/auth/create-auth.ts.
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { organization } from "better-auth/plugins";

export const auth = betterAuth({
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI only reads the schema
  database: drizzleAdapter({} as never, { provider: "sqlite", camelCase: true }),
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: true, storage: "database" },
  plugins: [organization({ teams: { enabled: true } })],
});
