// Numbers and statuses as the page writes them, each built one way for every view.
import { t } from "./i18n.js";

// Plotly reads a few tags in names; entities make any label plain text there.
export function plain(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function formatNumber(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(Math.max(2, digits - 2));
  return Number(x.toPrecision(digits)).toString();
}

// Plotly's hover formats (d3): a loss to 5 significant digits, an epoch to 3 decimals, a weight
// (the landscape's w and b) to 4
export const HOVER = { loss: ".5g", epoch: ".3f", weight: ".4f" };

// the smoothing slider's weight: "0.90"
export const smoothingText = (weight) => weight.toFixed(2);

// Updates a run has done: what it reported when done, else what the stream brought so far.
export function updatesDone(run) {
  return run.updates ?? run.n ?? 0;
}

// A run that ended before its plan (diverged, stopped early or by the user) counts "done of planned".
export function endedEarly(plan, run) {
  return ["diverged", "stopped", "failed"].includes(run.status) && updatesDone(run) < plan.total_updates;
}

// A run's status in words: "completed", "diverged at update 87", with its plan also where a run
// stopped early: "stopped at epoch 51" (at an epoch end, as early stopping does), else "stopped at
// update 340" (pending until it says more). One wording for the chart, its text and the table.
export function statusText(run, plan = null) {
  const status = run.status || "pending";
  if (status === "diverged") return t("status_diverged", { k: run.updates ?? run.n });
  if (status === "stopped" && plan && endedEarly(plan, run)) {
    const k = updatesDone(run);
    const epoch = k / plan.iterations_per_epoch;
    return Number.isInteger(epoch) ? t("stopped_at_epoch", { e: epoch }) : t("stopped_at_update", { k });
  }
  return t(`status_${status}`);
}

// The table's update count: "1500", or "255 of 1500" for a run that ended early.
export function updatesCount(plan, run = {}) {
  if (!endedEarly(plan, run)) return String(plan.total_updates);
  return t("count_of", { k: updatesDone(run), n: plan.total_updates });
}

// "20000 updates", or "255 of 1500 updates" for a run that ended early.
export function updatesText(plan, run = {}) {
  if (!endedEarly(plan, run)) return t("share_updates", { n: plan.total_updates });
  return t("updates_of", { k: updatesDone(run), n: plan.total_updates });
}

// A run's end label: "SGD · 20000 updates", "SGD · 255 of 1500 updates · stopped at epoch 51",
// "SGD · diverged at update 12" (no planned count it never reached); the run's own label where
// runs share a variant.
export function endLabel(plan, run = {}, named = false) {
  const variant = named ? plan.label : t(`variant_${plan.variant}`);
  if (run.status === "diverged") return `${variant} · ${statusText(run, plan)}`;
  if (!endedEarly(plan, run)) return t("end_label", { variant, n: plan.total_updates });
  return `${t("end_label_of", { variant, k: updatesDone(run), n: plan.total_updates })} · ${statusText(run, plan)}`;
}

// A run's compute time: measured when done, live while it trains, else the prediction.
export function secondsText(plan, run, now) {
  if (run.seconds !== undefined) return `${run.seconds.toFixed(3)} s`;
  if (run.started !== undefined) return `${((now - run.started) / 1000).toFixed(2)} s`;
  return plan.predicted_seconds === undefined ? "—" : t("time_predicted", { s: formatNumber(plan.predicted_seconds, 2) });
}

// ---- forms: numbers that are compared, and a run's update count in the table ----

// Texts of values printed side by side (a table column, a verdict's numbers): at least `digits`
// significant digits, more where two different values would otherwise print alike
// (0.262980 and 0.262954 are not both "0.263").
export function distinctNumbers(values, digits = 4) {
  const finite = values.filter((x) => Number.isFinite(x));
  for (let p = digits; p < 17; p++) {
    const texts = values.map((x) => formatNumber(x, p));
    const seen = new Map();
    if (finite.every((x) => {
      const text = formatNumber(x, p);
      const other = seen.get(text);
      seen.set(text, x);
      return other === undefined || other === x;
    })) return texts;
  }
  return values.map((x) => formatNumber(x, 17));
}

// a text's width in units: CJK characters count two
export const textUnits = (text) => [...String(text)].reduce((n, c) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);

// Lines of at most `width` units for a text drawn where nothing wraps it (a chart's message):
// words break at spaces; CJK characters count two units and may break anywhere.
export function wrapText(text, width) {
  const tokens = String(text).match(/[\u3000-\u9fff\uff00-\uffef][、。，：；！？）」]?|[^\s\u3000-\u9fff\uff00-\uffef]+|\s+/g) || [];
  const lines = [];
  let line = "", used = 0;
  for (const token of tokens) {
    if (/^\s+$/.test(token)) {
      if (line) { line += " "; used += 1; }
      continue;
    }
    const size = textUnits(token);
    if (used + size > width && line.trim()) {
      lines.push(line.trimEnd());
      line = "", used = 0;
    }
    line += token;
    used += size;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}
