import { describe, expect, it } from "vitest";
import { invitationEventTime } from "../../../src/domain/survey/anonymity";

describe("invitationEventTime", () => {
  const now = new Date("2026-11-26T23:41:07.123Z");
  it("keeps the exact time for a named survey", () => {
    expect(invitationEventTime(now, false)).toBe(now.getTime());
  });
  it("keeps only the UTC day for an anonymous survey", () => {
    expect(invitationEventTime(now, true)).toBe(Date.parse("2026-11-26T00:00:00Z"));
    expect(invitationEventTime(new Date("2026-11-27T00:00:00.000Z"), true)).toBe(Date.parse("2026-11-27T00:00:00Z"));
  });
});
