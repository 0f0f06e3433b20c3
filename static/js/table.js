// The update-count table (#run-table): the lesson's numbers per run, with the formula filled in,
// and each run's own compute time (predicted before it starts, live while it trains, measured
// when done). It is text that screen readers and course pages read, so it is kept up to date
// whether on screen or not.
import { distinctNumbers, secondsText, statusText, updatesCount } from "./format.js";
import { t } from "./i18n.js";
import { finalLosses } from "./run.js";
import { TICK_MS, runColor } from "./theme.js";

// [header key, data field, shown on phones too]; validation loss is a column only where some run
// holds out validation data, and there it is on phones too (overfitting's question is about it)
const COLUMNS = [
  ["col_run", "label", true], ["col_batch", "batch_size", false], ["col_ipe", "iterations_per_epoch", false],
  ["col_epochs", "epochs", false], ["col_total", "total_updates", true], ["col_train", "final_train_loss", true],
["col_val", "final_val_loss", true], ["col_status", "status", true], ["col_time", "seconds", true],
  ["col_progress", "progress", false],
];

// columns that answer a lesson's question before it is asked (predict=true): shown as "?"
// ("diverged at update 12", "stopped at epoch 51" and how far a bar has come all tell)
const SECRET = new Set(["iterations_per_epoch", "total_updates", "final_train_loss", "final_val_loss", "status",
  "seconds", "progress"]);

function cell(tag, text, field, phone = true) {
  const el = document.createElement(tag);
  el.textContent = text; // labels come from links: always text, never HTML
  if (field) el.dataset.col = el.dataset.field = field; // data-col: the contract's hook
  if (!phone) el.classList.add("wide");
  return el;
}

// A label as text with line-break chances after "=", "_", "," and "&" (<wbr>, no text of its
// own): "learning_rate=0.0002" wraps at its parts on a phone instead of letter by letter.
function breakableText(el, text) {
  for (const part of String(text).split(/(?<=[=_,&/])/)) {
    if (el.lastChild) el.append(document.createElement("wbr"));
    el.append(part);
  }
}

function header(columns) {
  const head = document.createElement("thead");
  const row = document.createElement("tr");
  for (const [key, field, phone] of columns) {
    const th = cell("th", "", null, phone);
    th.dataset.head = field;
    breakableText(th, t(key)); // a header breaks between words (or at "/"), never inside one
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
  swatch.style.background = runColor(i);
  swatch.setAttribute("aria-hidden", "true");
  name.prepend(swatch);
  name.append(cell("small", ` ${t(`variant_${plan.variant}`)}`, "variant"));
  return name;
}

function progressCell(plan, run, asking) {
  if (asking) return secretCell(cell("td", "?", "progress", false));
  const progress = document.createElement("progress");
  progress.max = plan.total_updates;
  progress.value = run.n || 0;
  progress.setAttribute("aria-label", `${plan.label}: ${t("col_progress")}`);
  const td = cell("td", "", "progress", false);
  td.append(progress);
  return td;
}

// one row's texts by column; `losses`: the loss columns' texts (printed together, see below)
function texts(plan, run, losses, now, asking) {
  const all = {
    batch_size: plan.batch_size, iterations_per_epoch: plan.iterations_per_epoch, epochs: plan.epochs,
    total_updates: updatesCount(plan, run), final_train_loss: losses.train,
    final_val_loss: plan.n_val ? losses.val : "—", status: statusText(run, plan), seconds: secondsText(plan, run, now),
  };
  if (asking) for (const key of SECRET) all[key] = "?";
  return all;
}

const secretCell = (td) => Object.assign(td, { title: t("secret_until_answer") });

function rows(plan, run, i, col, asking, columns) {
  const row = document.createElement("tr");
  row.dataset.run = i;
  // the status word, whatever the page's language (none while a prediction is asked)
  if (!asking) row.dataset.status = run.status || "pending";
  row.append(nameCell(plan, i));
  for (const [, field, phone] of columns.slice(1, -1)) {
    const td = cell("td", col[field], field, phone);
    row.append(asking && SECRET.has(field) ? secretCell(td) : td);
  }
  row.append(progressCell(plan, run, asking));
  if (asking) return [row];
  const formula = document.createElement("tr");
  formula.className = "formula";
  const f = cell("td", t("formula", { n: plan.n_train, b: plan.batch_size, ipe: plan.iterations_per_epoch,
    e: plan.epochs, t: plan.total_updates }), "formula");
  f.colSpan = columns.length;
  formula.append(f);
  return [row, formula];
}

// every row's texts by column, and the columns: no run holds out validation data, no column of
// dashes; where one does, its validation loss takes the compute time's place on a phone (six
// columns do not fit 390 px). asking: predict=true before the answer; what would answer is "?"
export function tableTexts(plans, results, now, asking = false) {
  const finals = plans.map((plan, i) => finalLosses(plan, results[i] || {}));
  const train = distinctNumbers(finals.map((f) => f.train));
  const vals = distinctNumbers(finals.map((f) => f.val));
  const val = plans.some((p) => p.n_val);
  const columns = COLUMNS.filter(([, field]) => field !== "final_val_loss" || val)
    .map(([key, field, phone]) => [key, field, phone && !(val && field === "seconds")]);
  const cols = plans.map((plan, i) => texts(plan, results[i] || {}, { train: train[i], val: vals[i] }, now, asking));
  return { columns, cols };
}

export function renderTable(table, plans, results, now, asking = false) {
  const { columns, cols } = tableTexts(plans, results, now, asking);
  const body = document.createElement("tbody");
  plans.forEach((plan, i) => body.append(...rows(plan, results[i] || {}, i, cols[i], asking, columns)));
  table.replaceChildren(header(columns), body);
}

// The same table brought up to date in place (its rows drawn by renderTable for these plans):
// only a cell whose text changed is touched, so a stream's frames restyle a few cells instead
// of rebuilding the table (most of a phone's main-thread work while a cached comparison arrives).
export function updateTable(table, plans, results, now, asking = false) {
  const { columns, cols } = tableTexts(plans, results, now, asking);
  table.querySelectorAll("tr[data-run]").forEach((row) => {
    const i = Number(row.dataset.run);
    const run = results[i] || {};
    if (!asking && row.dataset.status !== (run.status || "pending")) row.dataset.status = run.status || "pending";
    for (const [, field] of columns.slice(1, -1)) {
      const td = row.querySelector(`[data-field=${field}]`);
      if (td.textContent !== String(cols[i][field])) td.textContent = cols[i][field];
    }
    const progress = row.querySelector("progress");
    if (progress && progress.value !== (run.n || 0)) progress.value = run.n || 0;
  });
}

const SHOWN = new Set(["plan", "start", "points", "eval", "done", "stopped", "asking"]);

export class RunTable {
  constructor(store, frames, table) {
    this.view = frames.add(null, () => this.draw());
    Object.assign(this, { store, frames, table });
    store.subscribe((change) => SHOWN.has(change.type) && frames.mark(this.view));
  }

  draw() {
    const { plan, results, asking } = this.store.state;
    if (!plan) return;
    // rebuilt for a new plan or when the question is answered, else its cells brought up to date
    const drawn = this.drawn && this.drawn.plan === plan && this.drawn.asking === asking;
    (drawn ? updateTable : renderTable)(this.table, plan.runs, results, performance.now(), asking);
    this.drawn = { plan, asking };
    if (results.some((r) => r.status === "running")) this.frames.markLater(this.view, TICK_MS); // live compute time
  }
}
