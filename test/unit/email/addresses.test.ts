import { describe, expect, it } from "vitest";
import {
  complaintReplyAddress,
  organisationComplaintAddress,
  parseInboundRecipient,
} from "../../../src/domain/email/addresses";

const DOMAIN = "mail.example.com";
const SECRET = "s".repeat(32);

describe("e-mail addresses", () => {
  it("gives each organisation a complaint address and reads it back", async () => {
    expect(organisationComplaintAddress("demo", DOMAIN)).toBe("demo@mail.example.com");
    expect(await parseInboundRecipient("Demo@Mail.Example.com", DOMAIN, SECRET)).toEqual({
      kind: "organisation",
      organisationSlug: "demo",
    });
    expect(() => organisationComplaintAddress("Bad Slug", DOMAIN)).toThrow(/local part/);
  });

  it("signs reply addresses per complaint and survives case folding", async () => {
    const address = await complaintReplyAddress("demo", "FL-2026-000123", DOMAIN, SECRET);
    expect(address).toMatch(/^demo\+fl-2026-000123\.[a-z2-7]{10}@mail\.example\.com$/);
    expect(await parseInboundRecipient(address.toUpperCase(), DOMAIN, SECRET)).toEqual({
      kind: "complaint_reply",
      organisationSlug: "demo",
      reference: "FL-2026-000123",
    });
  });

  it("refuses forged, moved or foreign addresses", async () => {
    const address = await complaintReplyAddress("demo", "FL-2026-000123", DOMAIN, SECRET);
    const otherComplaint = address.replace("000123", "000124");
    const otherOrganisation = address.replace(/^demo/, "acme");
    for (const forged of [otherComplaint, otherOrganisation]) {
      expect((await parseInboundRecipient(forged, DOMAIN, SECRET)).kind).toBe("unknown");
    }
    expect((await parseInboundRecipient(address, DOMAIN, "t".repeat(32))).kind).toBe("unknown");
    expect((await parseInboundRecipient(address.replace(DOMAIN, "evil.example"), DOMAIN, SECRET)).kind).toBe("unknown");
    expect((await parseInboundRecipient("nobody", DOMAIN, SECRET)).kind).toBe("unknown");
  });
});
