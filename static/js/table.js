// The update-count table: the lesson's numbers per run, with the formula filled in.
import { COLORS } from "./chart.js";
import { formatNumber, t } from "./i18n.js";

const COLUMNS = ["col_run", "col_n_train", "col_batch", "col_ipe", "col_epochs", "col_total", "col_seen",
  "col_train", "col_val", "col_status", "col_time", "col_progress"];

function cell(tag, text, field) {
  const el = document.createElement(tag);
  el.textContent = text; // labels come from links: always text, never HTML
  if (field) el.dataset.field = field;
  return el;
}

export function statusText(run) {
  if (run.status === "diverged") return t("status_diverged", { k: run.updates });
  return t(`status_${run.status || "pending"}`);
}

export function renderTable(table, plans, runs) {
  const head = document.createElement("thead");
  const headRow = document.createElement("tr");
  for (const key of COLUMNS) headRow.append(cell("th", t(key)));
  head.append(headRow);
  const body = document.createElement("tbody");
  plans.forEach((plan, i) => {
    const run = runs[i] || {};
    const row = document.createElement("tr");
    row.dataset.run = i;
    const name = cell("th", plan.label, "label");
    name.scope = "row";
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = COLORS[i % COLORS.length];
    swatch.setAttribute("aria-hidden", "true");
    name.prepend(swatch);
    const variant = cell("small", ` ${t(`variant_${plan.variant}`)}`, "variant");
    name.append(variant);
    const progress = document.createElement("progress");
    progress.max = plan.total_updates;
    progress.value = run.received || 0;
    progress.setAttribute("aria-label", `${plan.label}: ${t("col_progress")}`);
    const progressCell = cell("td", "", "progress");
    progressCell.append(progress);
    row.append(
      name,
      cell("td", plan.n_train, "n_train"),
      cell("td", plan.batch_size, "batch_size"),
      cell("td", plan.iterations_per_epoch, "iterations_per_epoch"),
      cell("td", plan.epochs, "epochs"),
      cell("td", plan.total_updates, "total_updates"),
      cell("td", plan.examples_seen, "examples_seen"),
      cell("td", formatNumber(run.trainLoss), "final_train_loss"),
      cell("td", plan.n_val ? formatNumber(run.valLoss) : "—", "final_val_loss"),
      cell("td", statusText(run), "status"),
      cell("td", run.seconds === undefined ? "—" : `${run.seconds.toFixed(2)} s`, "wall_time"),
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
