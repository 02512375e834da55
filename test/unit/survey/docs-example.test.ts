import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findMissingTranslations, parseSurveyDefinition, validateResponseAnswers } from "../../../src/domain/survey";

// Keeps the documented example honest: docs/survey-format.md must show a definition that parses
// and a response that validates against it.
const markdown = readFileSync(new URL("../../../docs/survey-format.md", import.meta.url), "utf8");
const jsonBlocks = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]);

describe("docs/survey-format.md example", () => {
  const definitionBlock = jsonBlocks.find((block) => block.includes('"formatVersion"'));
  const responseBlock = jsonBlocks[jsonBlocks.length - 1];

  it("the example definition is valid and fully translated", () => {
    const result = parseSurveyDefinition(JSON.parse(definitionBlock ?? "null"));
    expect(result.ok, result.ok ? "" : JSON.stringify(result.errors)).toBe(true);
    if (result.ok) expect(findMissingTranslations(result.definition)).toEqual([]);
  });

  it("the example response is a valid complete response", () => {
    const result = parseSurveyDefinition(JSON.parse(definitionBlock ?? "null"));
    if (!result.ok) throw new Error("example definition invalid");
    expect(validateResponseAnswers(result.definition, JSON.parse(responseBlock), { complete: true })).toMatchObject({ ok: true, errors: [] });
  });
});
