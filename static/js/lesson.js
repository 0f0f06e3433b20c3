// The lesson card (#lesson-card): its explanation, and with predict=true its question asked
// before the curves appear; once the runs are done the card shows the server's verdict
// (/api/verdict), quoting the measured numbers in the page's language.
import { formatNumber, statusText } from "./format.js";
import { t } from "./i18n.js";
import { FOLD_QUERY } from "./theme.js";

const $ = (id) => document.getElementById(id);

// The numbers the verdict quotes, in words.
export function measuredText(verdict) {
  const runs = verdict.runs;
  if (verdict.answer === "iterations_per_epoch") {
    const p = runs[0];
    return t("answer_ipe", { n: p.n_train, b: p.batch_size, ipe: p.iterations_per_epoch });
  }
  if (verdict.answer === "most_updates") return runs.map((r) => t("answer_updates", { label: r.label, n: r.updates })).join("; ");
  const key = lossKey(verdict);
  // the server's digits tell the compared losses apart; where even 6 do not, they tie
  const digits = verdict.digits ?? 6;
  return runs.map((r) => t("answer_loss", { label: r.label,
    loss: r.status === "diverged" ? statusText(r) : formatNumber(r[key], digits) })).join("; ");
}

const lossKey = (verdict) => (verdict.answer === "lowest_val_loss" ? "final_val_loss" : "final_train_loss");

// The runs (indices) that print like the winner even at 6 digits (the server's `tied`): a tie,
// where any of them is right.
export function tiedRuns(verdict) {
  return verdict.tied && verdict.tied.length > 1 ? verdict.tied : [];
}

// Without a prediction: "Which run ...? Answer: batch_size=1. Measured: ..." (the card's question
// and what the runs showed), or the tie
export function answerText(question, verdict) {
  const tied = tiedRuns(verdict);
  const said = tied.length ? t("answer_tie", { answer: tied.map((i) => verdict.runs[i].label).join(", ") })
    : t("answer_plain", { answer: verdict.text });
  return `${question} ${said} ${t("measured", { numbers: measuredText(verdict) })}`;
}

// "Right: batch_size=1. Measured: ..." for a verdict on the user's choice (the server judged it:
// `right`); a tie names every run that shares the best number
export function verdictText(verdict) {
  const tied = tiedRuns(verdict);
  const said = tied.length
    ? t(verdict.right ? "predict_tie_right" : "predict_tie_wrong", { answer: tied.map((i) => verdict.runs[i].label).join(", ") })
    : t(verdict.right ? "predict_right" : "predict_wrong", { answer: verdict.text });
  return `${said} ${t("measured", { numbers: measuredText(verdict) })}`;
}

// the server writes the menu's options (templates/lesson.html: its width is there at the first
// paint, nothing moves); any it did not write are added
export function fillMenu(select, lessons, onPick) {
  const written = new Set([...select.options].map((o) => o.value));
  for (const lesson of lessons) if (!written.has(lesson.name)) select.append(new Option(lesson.title, lesson.name));
  select.addEventListener("change", () => select.value && onPick(lessons.find((l) => l.name === select.value)));
}

export class LessonCard {
  constructor(store) {
    this.store = store;
    this.folded = false;
    store.subscribe((change) => ["lesson", "asking", "verdict", "plan", "start", "errors"].includes(change.type) && this.render());
    this.render();
  }

  render() {
    const { lesson, query, verdict, asking } = this.store.state;
    $("lesson-card").hidden = !lesson;
    if (!lesson) return;
    $("lesson-title").textContent = lesson.title;
    // on a phone and in an embed the explanation folds away (once), so the chart keeps the screen
    const small = window.matchMedia(FOLD_QUERY).matches || document.body.classList.contains("embed");
    if (!this.folded && small) $("lesson-details").open = false;
    this.folded = true;
    $("lesson-text").textContent = lesson.text;
    $("lesson-text").hidden = asking; // the explanation quotes the numbers: the question comes first
    $("lesson-question").textContent = lesson.question;
    $("lesson-edited").hidden = !query || query === lesson.query;
    const select = $("lesson-select");
    if (select) select.value = lesson.name;
    // an embed keeps its height for the chart: the answer nobody asked for is the workspace's
    const embed = document.body.classList.contains("embed");
    $("verdict").textContent = !verdict ? "" : "right" in verdict ? verdictText(verdict)
      : embed ? "" : answerText(lesson.question, verdict);
  }

  // Ask the card's question; onAnswer runs once the user has chosen.
  ask(plans, onAnswer) {
    const form = $("prediction");
    const { lesson } = this.store.state;
    const options = lesson.options.length ? lesson.options.map((o) => [o, o]) : plans.map((p, i) => [String(i), p.label]);
    $("predict-options").replaceChildren(...options.map(([value, text]) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      Object.assign(input, { type: "radio", name: "prediction", value, required: true }); // none checked
      label.append(input, ` ${text}`);
      return label;
    }));
    form.hidden = false;
    form.onsubmit = (e) => {
      e.preventDefault();
      this.store.choose(new FormData(form).get("prediction"));
      form.hidden = true;
      onAnswer();
    };
  }
}
