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

const form = document.querySelector<HTMLFormElement>("form.survey-form");
if (form) {
  updateConditionals(form);
  form.addEventListener("change", () => updateConditionals(form));
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
