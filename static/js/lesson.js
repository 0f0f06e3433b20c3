// The lesson card: its explanation, and with predict=true its question asked before the curves
// appear; once the runs are done the card says which answer was right, quoting the measured numbers.
import { formatNumber, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

// The right answer in the measured numbers: {value, text, numbers}
export function judge(lesson, plans, runs) {
  const labels = plans.map((p) => p.label);
  if (lesson.answer === "iterations_per_epoch") {
    const p = plans[0];
    const text = String(p.iterations_per_epoch);
    return { value: text, text, numbers: t("answer_ipe", { n: p.n_train, b: p.batch_size, ipe: p.iterations_per_epoch }) };
  }
  if (lesson.answer === "most_updates") {
    const counts = plans.map((p, i) => runs[i]?.updates ?? p.total_updates);
    const best = counts.indexOf(Math.max(...counts));
    return { value: String(best), text: labels[best],
      numbers: counts.map((n, i) => t("answer_updates", { label: labels[i], n })).join("; ") };
  }
  const key = lesson.answer === "lowest_val_loss" ? "valLoss" : "trainLoss";
  const losses = runs.map((r) => (r.status !== "diverged" && Number.isFinite(r[key]) ? r[key] : Infinity));
  const best = losses.indexOf(Math.min(...losses));
  return { value: String(best), text: labels[best],
    numbers: runs.map((r, i) => t("answer_loss", { label: labels[i],
      loss: r.status === "diverged" ? t("status_diverged", { k: r.updates }) : formatNumber(r[key]) })).join("; ") };
}

export class LessonCard {
  constructor(lessons) {
    this.lessons = lessons;
    this.lesson = null;
    this.choice = null;
  }

  fillMenu(select, onPick) {
    for (const lesson of this.lessons) select.append(new Option(lesson.title, lesson.name));
    select.addEventListener("change", () => select.value && onPick(this.lessons.find((l) => l.name === select.value)));
  }

  byName(name) {
    return this.lessons.find((l) => l.name === name) || null;
  }

  show(lesson, query) {
    this.lesson = lesson;
    $("lesson-card").hidden = !lesson;
    if (!lesson) return;
    $("lesson-title").textContent = lesson.title;
    // on a phone the explanation folds away, so the chart stays on the first screen
    if (window.matchMedia("(max-width: 720px)").matches && !this.shown) $("lesson-details").open = false;
    this.shown = true;
    $("lesson-text").textContent = lesson.text;
    $("lesson-question").textContent = lesson.question;
    $("lesson-edited").hidden = !query || query === lesson.query;
    const select = $("lesson-select");
    if (select) select.value = lesson.name;
  }

  // Ask the card's question; onAnswer runs once the user has chosen.
  ask(plans, onAnswer) {
    const form = $("predict");
    const box = $("predict-options");
    const options = this.lesson.options.length ? this.lesson.options.map((o) => [o, o]) : plans.map((p, i) => [String(i), p.label]);
    box.replaceChildren(...options.map(([value, text], i) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      Object.assign(input, { type: "radio", name: "prediction", value, required: true, checked: i === 0 });
      label.append(input, ` ${text}`);
      return label;
    }));
    $("predict-result").textContent = "";
    form.hidden = false;
    form.onsubmit = (e) => {
      e.preventDefault();
      this.choice = new FormData(form).get("prediction");
      form.hidden = true;
      onAnswer();
    };
  }

  tell(plans, runs) {
    if (!this.lesson || this.choice === null) return;
    const right = judge(this.lesson, plans, runs);
    const verdict = t(this.choice === right.value ? "predict_right" : "predict_wrong", { answer: right.text });
    $("predict-result").textContent = `${verdict} ${t("measured", { numbers: right.numbers })}`;
  }
}
