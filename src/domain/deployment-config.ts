/**
 * What a production Worker refuses to run without. Production is the default APP_ENV
 * (wrangler.toml); a deployment that forgot a secret must fail closed, not fall back to a
 * library default secret that anyone can read in better-auth's source.
 */
export type DeploymentConfig = {
  APP_ENV?: string;
  BETTER_AUTH_SECRET?: string;
};

/** Below this a signing secret is guessable; `openssl rand -base64 32` gives 44 characters. */
export const MIN_SECRET_LENGTH = 32;

/** True unless the deployment opted into development or test explicitly. */
export function isProductionEnv(appEnv: string | undefined): boolean {
  return appEnv !== "development" && appEnv !== "test";
}

/** Why this configuration may not serve requests; empty when it may. */
export function deploymentConfigProblems(config: DeploymentConfig): string[] {
  const problems: string[] = [];
  const secret = config.BETTER_AUTH_SECRET ?? "";
  if (isProductionEnv(config.APP_ENV) && secret.length < MIN_SECRET_LENGTH) {
    problems.push(
      `BETTER_AUTH_SECRET must be set to at least ${MIN_SECRET_LENGTH} random characters in production (npx wrangler secret put BETTER_AUTH_SECRET).`,
    );
  }
  return problems;
}
