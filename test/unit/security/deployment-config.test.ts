import { describe, expect, it } from "vitest";
import { deploymentConfigProblems, isProductionEnv } from "../../../src/domain/deployment-config";

describe("deployment config", () => {
  it("treats a missing or unknown APP_ENV as production", () => {
    expect(isProductionEnv(undefined)).toBe(true);
    expect(isProductionEnv("staging")).toBe(true);
    expect(isProductionEnv("development")).toBe(false);
  });

  it("refuses production without a BETTER_AUTH_SECRET, or with a short one", () => {
    expect(deploymentConfigProblems({ APP_ENV: "production" })).toHaveLength(1);
    expect(deploymentConfigProblems({})[0]).toMatch(/BETTER_AUTH_SECRET/);
    expect(deploymentConfigProblems({ APP_ENV: "production", BETTER_AUTH_SECRET: "short" })).toHaveLength(1);
    expect(deploymentConfigProblems({ APP_ENV: "production", BETTER_AUTH_SECRET: "x".repeat(32) })).toEqual([]);
  });

  it("lets development run without a secret", () => {
    expect(deploymentConfigProblems({ APP_ENV: "development" })).toEqual([]);
  });
});
