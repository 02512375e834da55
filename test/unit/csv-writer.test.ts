import { describe, expect, it } from "vitest";
import { csvCell, csvText } from "../../src/domain/csv";

describe("CSV writer (server exports and the web app's exports)", () => {
  it("neutralises text a spreadsheet would run as a formula, but keeps numbers numbers", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvCell("+1 call me")).toBe("'+1 call me");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-5")).toBe("-5");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell("-x")).toBe("'-x");
  });

  it("quotes separators and line breaks, and leaves empty what is missing or not a number", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(true)).toBe("true");
    expect(csvText([["a", 1], ["b", 2]])).toBe("a,1\r\nb,2\r\n");
  });
});
