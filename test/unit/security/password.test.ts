/**
 * Issue 12, finding 7: passwords at OWASP's PBKDF2-HMAC-SHA256 work factor (600,000 iterations) while
 * no single PBKDF2 call exceeds the 100,000 Cloudflare's runtime allows.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashPassword, MAX_ITERATIONS_PER_CALL, verifyPassword } from "../../../src/auth/password";

afterEach(() => vi.restoreAllMocks());

describe("password hashing", () => {
  it("spends 600,000 PBKDF2-HMAC-SHA256 iterations per hash, at most 100,000 per call", async () => {
    const derive = vi.spyOn(crypto.subtle, "deriveBits");
    const hash = await hashPassword("correct horse battery");
    const calls = derive.mock.calls.map(([params]) => params as Pbkdf2Params);
    expect(calls.every((p) => p.name === "PBKDF2" && p.hash === "SHA-256" && p.iterations <= MAX_ITERATIONS_PER_CALL)).toBe(true);
    expect(calls.reduce((sum, p) => sum + p.iterations, 0)).toBe(600_000);
    expect(hash).toMatch(/^pbkdf2-sha256-chain\$6x100000\$/);
    expect(await verifyPassword({ hash, password: "correct horse battery" })).toBe(true);
    expect(await verifyPassword({ hash, password: "correct horse batterY" })).toBe(false);
  });

  it("still verifies hashes stored before (one segment of 100,000), and refuses costs beyond a call's ceiling", async () => {
    // A hash in the earlier format, made with WebCrypto directly.
    const salt = new Uint8Array(16).fill(7);
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("old password 123"), "PBKDF2", false, ["deriveBits"]);
    const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 100_000 }, key, 256));
    const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
    const legacy = `pbkdf2-sha256$100000$${b64(salt)}$${b64(bits)}`;
    expect(await verifyPassword({ hash: legacy, password: "old password 123" })).toBe(true);
    expect(await verifyPassword({ hash: legacy.replace("$100000$", "$600000$"), password: "old password 123" })).toBe(false);
    expect(await verifyPassword({ hash: `pbkdf2-sha256-chain$99x100000$${b64(salt)}$${b64(bits)}`, password: "x" })).toBe(false);
  });
});
