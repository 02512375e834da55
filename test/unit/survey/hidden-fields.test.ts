import { describe, expect, it } from "vitest";
import { parseHiddenFieldValues, segmentValues } from "../../../src/domain/survey";
import { kitchenSink } from "./fixtures";

const definition = kitchenSink();

describe("parseHiddenFieldValues", () => {
  it.each([
    ["declared value", { touchpoint: "store" }, { touchpoint: "store" }, []],
    ["unknown parameters ignored", { lang: "en", utm_source: "mail" }, {}, []],
    ["trimmed, control characters removed", { touchpoint: " st\u0000ore\n" }, { touchpoint: "store" }, []],
    ["empty value ignored", { touchpoint: "" }, {}, []],
    ["repeated identical values", { touchpoint: ["web", "web"] }, { touchpoint: "web" }, []],
    ["conflicting repeated values", { touchpoint: ["web", "store"] }, {}, [{ id: "touchpoint", reason: "multiple_values" }]],
    ["too long", { touchpoint: "x".repeat(201) }, {}, [{ id: "touchpoint", reason: "too_long" }]],
    ["allowed value", { tier: "gold" }, { tier: "gold" }, []],
    ["value outside allowedValues", { tier: "platinum" }, {}, [{ id: "tier", reason: "not_allowed" }]],
  ])("%s", (_name, query, values, rejected) => {
    expect(parseHiddenFieldValues(definition, query)).toEqual({ values, rejected });
  });
});

describe("segmentValues", () => {
  it("re-keys values by segment tag", () => {
    expect(segmentValues(definition, { touchpoint: "store", tier: "gold" })).toEqual({ touchpoint: "store", tier: "gold" });
    expect(segmentValues(definition, {})).toEqual({});
  });
});
