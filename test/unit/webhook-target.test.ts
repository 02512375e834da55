import { describe, expect, it } from "vitest";
import { webhookTargetRefusal, webhookTargetRules, webhookTargetUrlSchema } from "../../src/domain/webhook-target";

const production = webhookTargetRules("production");
const development = webhookTargetRules("development");

describe("webhook target rules per environment", () => {
  it("relaxes only development and test; anything else (or nothing) is production", () => {
    expect(webhookTargetRules("development").allowLocalTargets).toBe(true);
    expect(webhookTargetRules("test").allowLocalTargets).toBe(true);
    for (const appEnv of ["production", "staging", "", undefined, "Development"]) expect(webhookTargetRules(appEnv).allowLocalTargets).toBe(false);
  });
});

describe("webhookTargetRefusal in production", () => {
  it("accepts public https hosts, with ports, paths and public IP literals", () => {
    for (const url of [
      "https://hooks.example.com/feedloop",
      "https://hooks.example.com:8443/a/b?x=1",
      "https://8.8.8.8/hook",
      "https://172.32.0.1/just-outside-172.16/12",
      "https://[2606:4700:4700::1111]/hook",
      "https://localhost.example.com/hook",
    ]) {
      expect(webhookTargetRefusal(url, production), url).toBeNull();
    }
  });

  it("refuses plain http and other schemes with a message that says what to do", () => {
    expect(webhookTargetRefusal("http://hooks.example.com/x", production)).toMatchObject({ code: "insecure_scheme", message: expect.stringContaining("https://") });
    expect(webhookTargetRefusal("ftp://hooks.example.com/x", production)?.code).toBe("insecure_scheme");
    expect(webhookTargetRefusal("file:///etc/passwd", production)?.code).toBe("insecure_scheme");
    expect(webhookTargetRefusal("not a url", production)?.code).toBe("invalid_url");
  });

  it("refuses IPv4 literals in private, loopback, link-local and other non-public ranges", () => {
    for (const host of ["10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.10", "127.0.0.1", "127.5.6.7", "169.254.169.254", "0.0.0.0", "100.64.0.1", "255.255.255.255", "224.0.0.1"]) {
      expect(webhookTargetRefusal(`https://${host}/hook`, production), host).toMatchObject({ code: "non_public_address", message: expect.stringContaining(host) });
    }
  });

  it("sees through alternative IPv4 spellings the URL parser normalises", () => {
    for (const url of ["https://2130706433/", "https://0x7f.1/", "https://127.1/", "https://0177.0.0.1/", "https://0/"]) {
      expect(webhookTargetRefusal(url, production)?.code, url).toBe("non_public_address");
    }
  });

  it("refuses IPv6 loopback, unspecified, unique-local, link-local, multicast and IPv4 inside IPv6", () => {
    for (const host of ["[::1]", "[::]", "[fc00::1]", "[fd12:3456:789a::1]", "[fe80::1]", "[febf::1]", "[ff02::1]", "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "[::ffff:8.8.8.8]", "[::ffff:7f00:1]", "[::127.0.0.1]", "[64:ff9b::10.0.0.1]", "[0:0:0:0:0:0:0:1]"]) {
      expect(webhookTargetRefusal(`https://${host}/hook`, production), host).toMatchObject({ code: "non_public_address" });
    }
    // Public NAT64 of a public address is fine.
    expect(webhookTargetRefusal("https://[64:ff9b::808:808]/hook", production)).toBeNull();
  });

  it("refuses names that only resolve inside a network", () => {
    for (const host of ["localhost", "LOCALHOST", "localhost.", "api.localhost", "metadata.google.internal", "db.internal", "printer.local", "box.localdomain", "nas.home.arpa", "intranet"]) {
      expect(webhookTargetRefusal(`https://${host}/hook`, production), host).toMatchObject({ code: "internal_host_name" });
    }
  });
});

describe("webhookTargetRefusal in development and tests", () => {
  it("allows http and local receivers, but still only http(s) URLs", () => {
    for (const url of ["http://127.0.0.1:9/hooks", "http://localhost:8787/x", "https://10.0.0.2/x", "http://[::1]:8080/"]) {
      expect(webhookTargetRefusal(url, development), url).toBeNull();
    }
    expect(webhookTargetRefusal("gopher://127.0.0.1/", development)?.code).toBe("insecure_scheme");
  });
});

describe("webhookTargetUrlSchema", () => {
  it("reports a refusal as one zod issue with the person-readable message", () => {
    const result = webhookTargetUrlSchema(production).safeParse("https://169.254.169.254/latest/meta-data");
    expect(result.success).toBe(false);
    expect(result.error!.issues).toHaveLength(1);
    expect(result.error!.issues[0]!.message).toMatch(/169\.254\.169\.254.*link-local.*public/);
    expect(webhookTargetUrlSchema(production).safeParse("https://hooks.example.com/x").success).toBe(true);
    expect(webhookTargetUrlSchema(production).safeParse(`https://example.com/${"x".repeat(2000)}`).success).toBe(false);
  });
});
