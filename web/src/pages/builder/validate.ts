/**
 * Client-side check with the server's own schema (zod + the cross-field rules). Imported
 * dynamically by the builder so zod is fetched on its own chunk, after the editor is on screen.
 */
import { parseSurveyDefinition } from "../../../../src/domain/survey/definition";

export type ValidationResult = { ok: boolean; errors: { path: string; message: string }[] };

export function validateDefinition(definition: unknown): ValidationResult {
  const result = parseSurveyDefinition(definition);
  return result.ok ? { ok: true, errors: [] } : { ok: false, errors: result.errors };
}
