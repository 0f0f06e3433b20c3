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

// A run's status in words: "completed", "diverged at update 87", ... (pending until it says more)
export function statusText(run) {
  const status = run.status || "pending";
  if (status === "diverged") return t("status_diverged", { k: run.updates });
  return t(`status_${status}`);
}

// "SGD · 20000 updates"; the run's own label where runs share a variant
export function endLabel(plan, named = false) {
  return t("end_label", { variant: named ? plan.label : t(`variant_${plan.variant}`), n: plan.total_updates });
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

// The updates a run made, as the table counts them: the planned total until it ends; "255 of
// 1500" for a run that stopped or diverged early.
export function updatesText(plan, run) {
  const done = run.updates ?? (run.status === "stopped" ? run.received : undefined);
  if (done === undefined || done >= plan.total_updates) return String(plan.total_updates);
  return t("updates_of", { k: done, n: plan.total_updates });
}
