import { describe, expect, it } from "vitest";
import { webhookTargetRefusal, webhookTargetRules } from "../../../src/domain/webhook-target";

// Issue 12, finding 8: IPv6 transition prefixes embed an IPv4 address (possibly private), so a
// webhook to them can reach a host the IPv4 rules refuse.
const production = webhookTargetRules("production");

describe("webhook targets in IPv6 transition ranges", () => {
  it.each([
    ["6to4 of 10.0.0.1", "https://[2002:a00:1::1]/hook"],
    ["6to4 of a public address", "https://[2002:cb00:7107::1]/hook"],
    ["Teredo", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook"],
    ["local-use NAT64", "https://[64:ff9b:1::a00:1]/hook"],
  ])("refuses %s", (_label, url) => {
    expect(webhookTargetRefusal(url, production)?.code).toBe("non_public_address");
  });

  it("still accepts an ordinary global unicast address", () => {
    expect(webhookTargetRefusal("https://[2606:4700::1111]/hook", production)).toBeNull();
  });
});
