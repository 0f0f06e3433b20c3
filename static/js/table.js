// The update-count table: the lesson's numbers per run, with the formula filled in, and each run's
// own compute time (predicted before it starts, live while it trains, measured when done).
import { COLORS } from "./chart.js";
import { formatNumber, t } from "./i18n.js";

// [header key, data field, shown on phones too]
const COLUMNS = [
  ["col_run", "label", true], ["col_batch", "batch_size", false], ["col_ipe", "iterations_per_epoch", false],
  ["col_epochs", "epochs", false], ["col_total", "total_updates", true], ["col_train", "final_train_loss", true],
  ["col_val", "final_val_loss", false], ["col_status", "status", true], ["col_time", "seconds", true],
  ["col_progress", "progress", false],
];

function cell(tag, text, field, phone = true) {
  const el = document.createElement(tag);
  el.textContent = text; // labels come from links: always text, never HTML
  if (field) el.dataset.field = field;
  if (!phone) el.classList.add("wide");
  return el;
}

// A label as text with line-break chances after "=", "_", "," and "&" (<wbr>, no text of its
// own): "learning_rate=0.0002" wraps at its parts on a phone instead of letter by letter.
function breakableText(el, text) {
  for (const part of String(text).split(/(?<=[=_,&])/)) {
    if (el.lastChild) el.append(document.createElement("wbr"));
    el.append(part);
  }
}

export function statusText(run) {
  if (run.status === "diverged") return t("status_diverged", { k: run.updates });
  return t(`status_${run.status || "pending"}`);
}

function seconds(plan, run, now) {
  if (run.seconds !== undefined) return `${run.seconds.toFixed(3)} s`;
  if (run.started !== undefined) return `${((now - run.started) / 1000).toFixed(2)} s`;
  return plan.predicted_seconds === undefined ? "—" : t("time_predicted", { s: formatNumber(plan.predicted_seconds, 2) });
}

export function renderTable(table, plans, runs) {
  const now = performance.now();
  const head = document.createElement("thead");
  const headRow = document.createElement("tr");
  for (const [key, field, phone] of COLUMNS) {
    const th = cell("th", t(key), null, phone);
    th.scope = "col";
    headRow.append(th);
  }
  head.append(headRow);
  const body = document.createElement("tbody");
  plans.forEach((plan, i) => {
    const run = runs[i] || {};
    const row = document.createElement("tr");
    row.dataset.run = i;
    const name = cell("th", "", "label");
    breakableText(name, plan.label);
    name.scope = "row";
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = COLORS[i % COLORS.length];
    swatch.setAttribute("aria-hidden", "true");
    name.prepend(swatch);
    name.append(cell("small", ` ${t(`variant_${plan.variant}`)}`, "variant"));
    const progress = document.createElement("progress");
    progress.max = plan.total_updates;
    progress.value = run.received || 0;
    progress.setAttribute("aria-label", `${plan.label}: ${t("col_progress")}`);
    const progressCell = cell("td", "", "progress", false);
    progressCell.append(progress);
    row.append(
      name,
      cell("td", plan.batch_size, "batch_size", false),
      cell("td", plan.iterations_per_epoch, "iterations_per_epoch", false),
      cell("td", plan.epochs, "epochs", false),
      cell("td", plan.total_updates, "total_updates"),
      cell("td", formatNumber(run.trainLoss), "final_train_loss"),
      cell("td", plan.n_val ? formatNumber(run.valLoss) : "—", "final_val_loss", false),
      cell("td", statusText(run), "status"),
      cell("td", seconds(plan, run, now), "seconds"),
      progressCell,
    );
    const formula = document.createElement("tr");
    formula.className = "formula";
    const f = cell("td", t("formula", { n: plan.n_train, b: plan.batch_size, ipe: plan.iterations_per_epoch,
      e: plan.epochs, t: plan.total_updates }), "formula");
    f.colSpan = COLUMNS.length;
    formula.append(f);
    body.append(row, formula);
  });
  table.replaceChildren(head, body);
}
