/** The option lists the complaint pickers share (queue filters, classification, transition forms). */
import type { SelectOption } from "../../components/ui";
import type { useLabel } from "./messages";
import { PRIORITIES } from "./types";

type Label = ReturnType<typeof useLabel>;

export const priorityOptions = (label: Label): SelectOption[] => PRIORITIES.map((p) => ({ value: p, label: label("priority", p) }));

export const severityOptions = (label: Label): SelectOption[] => [1, 2, 3, 4].map((s) => ({ value: String(s), label: label("severity", s) }));

/** The organisation's categories; a complaint's own category stays choosable when it is not among them. */
export const categoryOptions = (label: Label, categories: string[], current: string): SelectOption[] =>
  (current && !categories.includes(current) ? [current, ...categories] : categories).map((c) => ({ value: c, label: label("category", c) }));
