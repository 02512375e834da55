import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMPLAINT_STATES, COMPLAINT_TRANSITIONS } from "../../../src/domain/complaints";

// The workflow document is the reference for product and support staff; keep it in step with the table.
const doc = readFileSync(new URL("../../../docs/complaint-workflow.md", import.meta.url), "utf8");

describe("docs/complaint-workflow.md", () => {
  it.each(COMPLAINT_TRANSITIONS.map((definition) => [definition.name, definition] as const))("documents %s with its actors", (name, definition) => {
    const row = doc.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row, `missing table row for ${name}`).toBeDefined();
    const cells = row!.split("|").map((cell) => cell.trim());
    expect(cells[4]).toBe(definition.actors.join(", "));
    expect(cells[2]).toBe(definition.from.join(", "));
  });

  it.each(COMPLAINT_STATES)("shows state %s in the diagram", (state) => {
    const diagram = doc.slice(doc.indexOf("```mermaid"), doc.indexOf("```", doc.indexOf("```mermaid") + 3));
    expect(diagram).toContain(state);
  });
});
