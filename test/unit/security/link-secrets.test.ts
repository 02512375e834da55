/**
 * Issue 12, finding 7: complaint status links (and staff invitation links) are signed with a secret of
 * their own, not better-auth's session secret.
 */
import { describe, expect, it } from "vitest";
import { complaintStatusSecret } from "../../../src/db/queries/complaints";

const AUTH = "the-session-secret-of-better-auth-0123456789";

describe("bearer link secrets", () => {
  it("derive complaint status secrets from LINK_SIGNING_SECRET alone", async () => {
    const one = await complaintStatusSecret({ BETTER_AUTH_SECRET: AUTH, LINK_SIGNING_SECRET: "link-secret-one-0123456789abcdefghij" } as never, "cmp_1");
    const two = await complaintStatusSecret({ BETTER_AUTH_SECRET: AUTH, LINK_SIGNING_SECRET: "link-secret-two-0123456789abcdefghij" } as never, "cmp_1");
    expect(one).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one).not.toBe(two);
    // Rotating the session secret leaves the links alone.
    expect(await complaintStatusSecret({ BETTER_AUTH_SECRET: "another-session-secret-0123456789abc", LINK_SIGNING_SECRET: "link-secret-one-0123456789abcdefghij" } as never, "cmp_1")).toBe(one);
  });

  it("refuses to derive one without LINK_SIGNING_SECRET, even when the session secret is set", async () => {
    await expect(complaintStatusSecret({ BETTER_AUTH_SECRET: AUTH } as never, "cmp_1")).rejects.toThrow(/LINK_SIGNING_SECRET/);
  });
});
