import { describe, expect, it } from "vitest";
import { COMPLAINT_STATES, customerActionPayload, customerActionTarget, isCustomerStatusAction } from "../../../src/domain/complaints";

describe("customer status-page actions follow the state machine", () => {
  it("replying keeps an open complaint where it is, and returns a waiting one to where waiting started", () => {
    expect(customerActionTarget("reply", "investigating", null)).toBe("investigating");
    expect(customerActionTarget("reply", "responded", null)).toBe("responded");
    expect(customerActionTarget("reply", "waiting_on_customer", "assessed")).toBe("assessed");
    expect(customerActionTarget("reply", "waiting_on_customer", null)).toBeNull();
    expect(customerActionTarget("reply", "closed", null)).toBeNull();
  });

  it("accepting closes and rejecting reopens the investigation, only once a remedy is proposed", () => {
    expect(customerActionTarget("accept", "responded", null)).toBe("closed");
    expect(customerActionTarget("reject", "responded", null)).toBe("investigating");
    for (const state of COMPLAINT_STATES.filter((s) => s !== "responded")) {
      expect(customerActionTarget("accept", state, null)).toBeNull();
      expect(customerActionTarget("reject", state, null)).toBeNull();
    }
  });

  it("only a closed complaint can be reopened", () => {
    for (const state of COMPLAINT_STATES) expect(customerActionTarget("reopen", state, null)).toBe(state === "closed" ? "reopened" : null);
  });

  it("knows its four actions and nothing else", () => {
    expect(["reply", "accept", "reject", "reopen"].every(isCustomerStatusAction)).toBe(true);
    expect(isCustomerStatusAction("close")).toBe(false);
    expect(isCustomerStatusAction("toString")).toBe(false);
  });

  it("gives each action's transition the text it needs, and refuses one without it", () => {
    const none = { message: "", reason: "", comment: "" };
    expect(customerActionPayload("reply", { ...none, message: "Any news?" })).toEqual({ message: "Any news?" });
    expect(customerActionPayload("reply", { ...none, reason: "ignored" })).toBeNull();
    expect(customerActionPayload("accept", none)).toEqual({});
    expect(customerActionPayload("accept", { ...none, comment: "Thanks" })).toEqual({ comment: "Thanks" });
    for (const action of ["reject", "reopen"] as const) {
      expect(customerActionPayload(action, { ...none, reason: "Still broken" })).toEqual({ reason: "Still broken" });
      expect(customerActionPayload(action, { ...none, message: "not a reason" })).toBeNull();
    }
  });
});
