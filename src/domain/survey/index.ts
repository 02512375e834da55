/**
 * Public surface of the survey domain. Route handlers and jobs import from here only.
 */
export * from "./localization";
export * from "./scales";
export * from "./definition";
export * from "./translations";
export * from "./logic";
export * from "./answers";
export * from "./form";
export * from "./hidden-fields";
export * from "./numeric";
export * from "./structural-model";
export * from "./templates";
export * from "./ui-strings";
export * from "./plan-review";
export type { LocalizedTextEntry } from "./text-walk";
export { collectLocalizedTexts } from "./text-walk";
