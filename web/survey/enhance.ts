/**
 * Progressive enhancement of the server-rendered survey page. The page works without it; with it:
 * same-page conditional questions appear and disappear as answers change, a submit can only be
 * sent once (no double-click duplicates), and the error summary takes focus for screen readers.
 */
import { evaluateCondition } from "../../src/domain/survey/conditions";
import type { Condition } from "../../src/domain/survey/definition";
import type { Answers } from "../../src/domain/survey/answers";

function currentAnswers(form: HTMLFormElement): Answers {
  const answers: Answers = {};
  const data = new FormData(form);
  for (const [name, value] of data.entries()) {
    if (name.startsWith("_") || typeof value !== "string" || value === "") continue;
    const input = form.querySelector<HTMLInputElement>(`[name="${CSS.escape(name)}"]`);
    if (input?.type === "checkbox") {
      const list = (answers[name] as string[] | undefined) ?? [];
      list.push(value);
      answers[name] = list;
    } else if (value === "yes" || value === "no") {
      answers[name] = value === "yes";
    } else if (/^-?\d+$/.test(value) && input?.type === "radio") {
      answers[name] = Number(value);
    } else {
      answers[name] = value;
    }
  }
  return answers;
}

function updateConditionals(form: HTMLFormElement) {
  const answers = currentAnswers(form);
  for (const block of form.querySelectorAll<HTMLElement>(".conditional[data-show-if]")) {
    const condition = JSON.parse(block.dataset.showIf ?? "{}") as Condition;
    const visible = evaluateCondition(condition, answers);
    block.hidden = !visible;
    for (const control of block.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")) control.disabled = !visible;
  }
}

/**
 * A question answered after a failed submit loses its error at once (inline message, error styling,
 * its summary entry; the summary goes when it is empty), so the page never shows an error that no longer applies.
 */
function clearAnsweredError(form: HTMLFormElement, control: EventTarget | null) {
  if (!(control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) || !control.name || control.name.startsWith("_")) return;
  if (control instanceof HTMLTextAreaElement && control.value.trim() === "") return;
  const id = control.name;
  document.getElementById(`${id}-error`)?.remove();
  const holder = document.getElementById(id);
  holder?.classList.remove("has-error");
  for (const input of form.querySelectorAll<HTMLInputElement>(`[name="${CSS.escape(id)}"]`)) {
    input.removeAttribute("aria-invalid");
    const describedBy = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((token) => token && token !== `${id}-error`);
    if (describedBy.length > 0) input.setAttribute("aria-describedby", describedBy.join(" "));
    else input.removeAttribute("aria-describedby");
  }
  // A matrix row answered: its matrix keeps the error styling only while another row still has one.
  const matrix = holder?.parentElement?.closest<HTMLElement>(".item.has-error");
  if (matrix && !matrix.querySelector(".field-error")) matrix.classList.remove("has-error");
  const summary = document.getElementById("error-summary");
  summary?.querySelector(`a[data-error-for="${CSS.escape(id)}"]`)?.closest("li")?.remove();
  if (summary && !summary.querySelector("li")) summary.remove();
}

document.documentElement.classList.add("js");
const form = document.querySelector<HTMLFormElement>("form.survey-form");
if (form) {
  updateConditionals(form);
  form.addEventListener("change", (event) => {
    updateConditionals(form);
    clearAnsweredError(form, event.target);
  });
  form.addEventListener("input", (event) => {
    if (event.target instanceof HTMLTextAreaElement) clearAnsweredError(form, event.target);
  });
  let submitted = false;
  form.addEventListener("submit", (event) => {
    if (submitted) {
      event.preventDefault();
      return;
    }
    submitted = true;
    // Disable after the browser has captured the clicked button's name/value.
    setTimeout(() => form.querySelectorAll("button").forEach((b) => (b.disabled = true)), 0);
  });
}
document.getElementById("error-summary")?.focus();
