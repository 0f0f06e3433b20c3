// The update-count table (#run-table): the lesson's numbers per run, with the formula filled in,
// and each run's own compute time (predicted before it starts, live while it trains, measured
// when done). It is text that screen readers and course pages read, so it is kept up to date
// whether on screen or not.
import { formatNumber, secondsText, statusText } from "./format.js";
import { t } from "./i18n.js";
import { COLORS, TICK_MS } from "./theme.js";

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

function header() {
  const head = document.createElement("thead");
  const row = document.createElement("tr");
  for (const [key, , phone] of COLUMNS) {
    const th = cell("th", t(key), null, phone);
    th.scope = "col";
    row.append(th);
  }
  head.append(row);
  return head;
}

function nameCell(plan, i) {
  const name = cell("th", "", "label");
  breakableText(name, plan.label);
  name.scope = "row";
  const swatch = document.createElement("span");
  swatch.className = "swatch";
  swatch.style.background = COLORS[i % COLORS.length];
  swatch.setAttribute("aria-hidden", "true");
  name.prepend(swatch);
  name.append(cell("small", ` ${t(`variant_${plan.variant}`)}`, "variant"));
  return name;
}

function progressCell(plan, run) {
  const progress = document.createElement("progress");
  progress.max = plan.total_updates;
  progress.value = run.received || 0;
  progress.setAttribute("aria-label", `${plan.label}: ${t("col_progress")}`);
  const td = cell("td", "", "progress", false);
  td.append(progress);
  return td;
}

function rows(plan, run, i, now) {
  const row = document.createElement("tr");
  row.dataset.run = i;
  row.dataset.status = run.status || "pending"; // the status word, whatever the page's language
  row.append(
    nameCell(plan, i),
    cell("td", plan.batch_size, "batch_size", false),
    cell("td", plan.iterations_per_epoch, "iterations_per_epoch", false),
    cell("td", plan.epochs, "epochs", false),
    cell("td", plan.total_updates, "total_updates"),
    cell("td", formatNumber(run.trainLoss), "final_train_loss"),
    cell("td", plan.n_val ? formatNumber(run.valLoss) : "—", "final_val_loss", false),
    cell("td", statusText(run), "status"),
    cell("td", secondsText(plan, run, now), "seconds"),
    progressCell(plan, run),
  );
  const formula = document.createElement("tr");
  formula.className = "formula";
  const f = cell("td", t("formula", { n: plan.n_train, b: plan.batch_size, ipe: plan.iterations_per_epoch,
    e: plan.epochs, t: plan.total_updates }), "formula");
  f.colSpan = COLUMNS.length;
  formula.append(f);
  return [row, formula];
}

export function renderTable(table, plans, results, now) {
  const body = document.createElement("tbody");
  plans.forEach((plan, i) => body.append(...rows(plan, results[i] || {}, i, now)));
  table.replaceChildren(header(), body);
}

const SHOWN = new Set(["plan", "start", "points", "eval", "done", "stopped"]);

export class RunTable {
  constructor(store, frames, table) {
    this.view = frames.add(null, () => this.draw());
    Object.assign(this, { store, frames, table });
    store.subscribe((change) => SHOWN.has(change.type) && frames.mark(this.view));
  }

  draw() {
    const { plan, results } = this.store.state;
    if (!plan) return;
    renderTable(this.table, plan.runs, results, performance.now());
    if (results.some((r) => r.status === "running")) this.frames.markLater(this.view, TICK_MS); // live compute time
  }
}
