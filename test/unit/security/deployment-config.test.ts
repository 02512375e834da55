import { describe, expect, it } from "vitest";
import { deploymentConfigProblems, isProductionEnv } from "../../../src/domain/deployment-config";

describe("deployment config", () => {
  it("treats a missing or unknown APP_ENV as production", () => {
    expect(isProductionEnv(undefined)).toBe(true);
    expect(isProductionEnv("staging")).toBe(true);
    expect(isProductionEnv("development")).toBe(false);
  });

  it("refuses production without a BETTER_AUTH_SECRET, or with a short one", () => {
    const links = { LINK_SIGNING_SECRET: "l".repeat(32) };
    expect(deploymentConfigProblems({ APP_ENV: "production", ...links })).toHaveLength(1);
    expect(deploymentConfigProblems(links)[0]).toMatch(/BETTER_AUTH_SECRET/);
    expect(deploymentConfigProblems({ APP_ENV: "production", BETTER_AUTH_SECRET: "short", ...links })).toHaveLength(1);
    expect(deploymentConfigProblems({ APP_ENV: "production", BETTER_AUTH_SECRET: "x".repeat(32), ...links })).toEqual([]);
  });

  it("refuses production without a link-signing secret of its own (finding 7: status links not signed with the session secret)", () => {
    const auth = "a".repeat(40);
    expect(deploymentConfigProblems({ APP_ENV: "production", BETTER_AUTH_SECRET: auth }).join(" ")).toMatch(/LINK_SIGNING_SECRET/);
    expect(deploymentConfigProblems({ APP_ENV: "production", BETTER_AUTH_SECRET: auth, LINK_SIGNING_SECRET: auth }).join(" ")).toMatch(/differ/);
    expect(deploymentConfigProblems({ APP_ENV: "production", BETTER_AUTH_SECRET: auth, LINK_SIGNING_SECRET: "b".repeat(40) })).toEqual([]);
  });

  it("lets development run without a secret", () => {
    expect(deploymentConfigProblems({ APP_ENV: "development" })).toEqual([]);
  });
});
