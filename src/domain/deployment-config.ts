/**
 * What a production Worker refuses to run without. Production is the default APP_ENV
 * (wrangler.toml); a deployment that forgot a secret must fail closed, not fall back to a
 * library default secret that anyone can read in better-auth's source.
 */
export type DeploymentConfig = {
  APP_ENV?: string;
  BETTER_AUTH_SECRET?: string;
  LINK_SIGNING_SECRET?: string;
};

/** Each secret a production Worker needs, and what it signs. */
const REQUIRED_SECRETS = ["BETTER_AUTH_SECRET", "LINK_SIGNING_SECRET"] as const;

/** Below this a signing secret is guessable; `openssl rand -base64 32` gives 44 characters. */
export const MIN_SECRET_LENGTH = 32;

/** True unless the deployment opted into development or test explicitly. */
export function isProductionEnv(appEnv: string | undefined): boolean {
  return appEnv !== "development" && appEnv !== "test";
}

/** Why this configuration may not serve requests; empty when it may. */
export function deploymentConfigProblems(config: DeploymentConfig): string[] {
  const problems: string[] = [];
  if (!isProductionEnv(config.APP_ENV)) return problems;
  for (const name of REQUIRED_SECRETS) {
    if ((config[name] ?? "").length < MIN_SECRET_LENGTH) {
      problems.push(`${name} must be set to at least ${MIN_SECRET_LENGTH} random characters in production (npx wrangler secret put ${name}).`);
    }
  }
  if (config.BETTER_AUTH_SECRET && config.BETTER_AUTH_SECRET === config.LINK_SIGNING_SECRET) {
    problems.push("LINK_SIGNING_SECRET must differ from BETTER_AUTH_SECRET: bearer links are signed with a secret of their own.");
  }
  return problems;
}
