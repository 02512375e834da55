import { describe, expect, it } from "vitest";
import { apiKeyStanding } from "../../src/domain/permissions";

describe("apiKeyStanding (a key never carries more than its creator has now)", () => {
  it("is valid while the creator is a member with at least the key's role", () => {
    expect(apiKeyStanding("admin", "usr_1", "admin")).toBe("valid");
    expect(apiKeyStanding("admin", "usr_1", "owner")).toBe("valid");
    expect(apiKeyStanding("viewer", "usr_1", "staff")).toBe("valid");
  });

  it("fails once the creator has left the organisation", () => {
    expect(apiKeyStanding("viewer", "usr_1", null)).toBe("creator_removed");
  });

  it("fails while the creator's role is below the key's, or is not a known role", () => {
    expect(apiKeyStanding("admin", "usr_1", "manager")).toBe("creator_role_below_key");
    expect(apiKeyStanding("staff", "usr_1", "viewer")).toBe("creator_role_below_key");
    expect(apiKeyStanding("viewer", "usr_1", "member")).toBe("creator_role_below_key");
  });

  it("leaves keys without a recorded creator (provisioned in the database) alone", () => {
    expect(apiKeyStanding("owner", null, null)).toBe("valid");
  });
});
