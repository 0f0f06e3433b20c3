// The settings (#settings), built from the server's schema as a runs x keys grid: a key every run
// shares is one control [name=key]; a key that differs is one control per run
// [name=key][data-run=i]. Any shared key can be made per run ("per run" toggle); an edit changes
// that key (in that run) only. Focus stays on the edited control across the re-render.
import { FIELDS, MAX_RUNS, valueOf } from "./state.js";
import { duplicateRun, fixedSize, invalidMarks, removeRun, setValue, settingsGrid, sizeKey } from "./schema.js";
import { t } from "./i18n.js";
import { runColor } from "./theme.js";

const OPTION_TEXT = {
  dataset: (v) => t(`dataset_${v}`),
  model: (v) => (v ? t(`model_${v}`) : t("auto")),
  loss: (v) => (v ? t(`loss_${v}`) : t("auto")),
  optimizer: (v) => ({ sgd: "SGD", adam: "Adam", rmsprop: "RMSprop", adagrad: "Adagrad" })[v],
};
const BATCH_CHOICES = ["1", "10", "32", "100"]; // suggestions only; the schema bounds the value
const ORDER = ["runs", "data", "model", "optimizer"]; // the runs first: what the comparison varies
const SIZE_KEY = sizeKey(FIELDS);

let uid = 0;
const SHOWN = new WeakMap(); // each text or number control's value as drawn, then as committed

function numberAttributes(el, spec) {
  if (spec.min !== undefined) el.min = String(spec.min);
  if (spec.max !== undefined) el.max = String(spec.max);
  if (spec.minExclusive) el.dataset.minExclusive = "true";
  if (spec.maxExclusive) el.dataset.maxExclusive = "true";
  el.step = String(spec.step ?? "any");
}

function element(spec, value) {
  let el;
  if (spec.type === "enum") {
    el = document.createElement("select");
    for (const option of spec.options) el.append(new Option((OPTION_TEXT[spec.key] || String)(option), option));
    el.value = value;
    return el;
  }
  el = document.createElement("input");
  if (spec.type === "bool") {
    el.type = "checkbox";
    el.checked = value === "true";
  } else if (spec.type === "batch") {
    el.setAttribute("list", "batch-choices");
    el.inputMode = "numeric";
    numberAttributes(el, spec);
  } else if (spec.type === "text") {
    el.type = "text";
    if (spec.pattern) el.pattern = spec.pattern;
    if (spec.maxLength) el.maxLength = spec.maxLength;
  } else {
    // a value that is no number (from a link) stays visible as typed, marked invalid
    el.type = value === "" || Number.isFinite(Number(value)) ? "number" : "text";
    numberAttributes(el, spec);
  }
  if (spec.type !== "bool") {
    el.value = value;
    SHOWN.set(el, el.value);
  }
  if (spec.optional && spec.type === "float") el.placeholder = t("auto"); // the data set's own noise
  return el;
}

// One control of a key (run i, or every run when i is null); onChange(text) after an edit.
function control(spec, value, i, onChange) {
  const el = element(spec, value);
  Object.assign(el, { id: `f-${spec.key}-${uid++}`, name: spec.key, title: spec.description });
  el.dataset.default = spec.default;
  el.dataset.focus = `${spec.key}:${i ?? ""}`;
  if (i !== null) el.dataset.run = i;
  el.addEventListener("change", () => {
    if (SHOWN.has(el)) SHOWN.set(el, el.value); // committed: no longer being typed
    onChange(spec.type === "bool" ? String(el.checked) : el.value.trim());
  });
  return el;
}

// The real size of a data set of fixed size, read-only where a synthetic one takes a value.
function sizeOutput(spec, size, i) {
  const out = document.createElement("output");
  out.name = spec.key;
  if (i !== null) out.dataset.run = i;
  out.textContent = t("examples_fixed", size);
  return out;
}

function swatch(i) {
  const mark = document.createElement("span");
  mark.className = "swatch";
  mark.style.background = runColor(i);
  mark.setAttribute("aria-hidden", "true");
  return mark;
}

function button(text, onClick, extra = {}, focus = "") {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  Object.assign(b, extra);
  b.dataset.focus = focus;
  b.addEventListener("click", onClick);
  return b;
}

// marks an invalid control and ties it to the row's message
function markInvalid(el, mark, i, errorId) {
  const bad = Boolean(mark) && (i === null || mark.runs.has(i));
  el.setAttribute("aria-invalid", String(bad));
  if (bad && mark.messages.length) el.setAttribute("aria-describedby", errorId);
}

// One key's row: its label, its one control or one per run, the "per run" toggle, its message.
function row({ spec, perRun, values }, ctx) {
  const wrap = document.createElement("div");
  const sized = spec.key === SIZE_KEY && ctx.sizes.some(Boolean);
  wrap.className = `field field-${spec.type}${perRun || sized ? " per-run" : ""}`;
  wrap.dataset.key = spec.key;
  const name = document.createElement(perRun ? "span" : "label");
  name.className = "field-name";
  name.textContent = t(spec.key);
  name.id = `n-${spec.key}-${uid++}`;
  const errorId = `e-${spec.key}-${uid++}`;
  const mark = ctx.marks[spec.key];
  const one = (i) => {
    const size = spec.key === SIZE_KEY ? ctx.sizes[i ?? 0] : null;
    if (size && (i !== null || ctx.sizes.every(Boolean))) return sizeOutput(spec, size, i);
    const el = control(spec, values[i ?? 0], i, (text) => ctx.set(spec.key, i, text));
    markInvalid(el, mark, i, errorId);
    return el;
  };
  const cells = document.createElement("div");
  cells.className = "cells";
  if (perRun) {
    values.forEach((_, i) => {
      const cell = document.createElement("label");
      cell.className = "cell";
      const el = one(i);
      el.setAttribute("aria-label", t("run_value", { key: t(spec.key), n: i + 1 }));
      cell.append(swatch(i), `${i + 1}`, el);
      cells.append(cell);
    });
  } else {
    const el = one(null);
    if (el.id) name.htmlFor = el.id;
    cells.append(el);
  }
  wrap.append(name, cells);
  if (values.length > 1 && !(sized && ctx.sizes.every(Boolean))) {
    wrap.append(button(t("vary_per_run"), () => ctx.vary(spec.key, !perRun),
      { className: "vary", title: t("vary_help", { key: t(spec.key) }) }, `vary:${spec.key}`));
    wrap.lastChild.setAttribute("aria-pressed", String(perRun));
    wrap.lastChild.setAttribute("aria-label", t("vary_help", { key: t(spec.key) }));
  }
  if (mark && mark.messages.length) {
    const message = document.createElement("p");
    Object.assign(message, { className: "field-error", id: errorId, textContent: mark.messages.join(" ") });
    wrap.append(message);
  }
  return wrap;
}

function batchChoices() {
  const datalist = document.createElement("datalist");
  datalist.id = "batch-choices";
  const batch = FIELDS.find((f) => f.type === "batch");
  for (const v of [...(batch ? batch.special : []), ...BATCH_CHOICES]) datalist.append(new Option(v === "full" ? t("full") : v, v));
  return datalist;
}

// the list of runs: each run's colour, number and label, duplicate and remove
function runList(runs, labels, ctx) {
  const ol = document.createElement("ol");
  ol.className = "run-list";
  runs.forEach((run, i) => {
    const li = document.createElement("li");
    li.className = "run";
    li.dataset.run = i;
    const title = document.createElement("h3");
    title.append(swatch(i), t("run_n", { n: i + 1 }));
    if (labels[i]) title.append(Object.assign(document.createElement("small"), { textContent: ` ${labels[i]}` }));
    li.append(title,
      // named after the run they act on ("Duplicate run 2"), the visible word first (label in name)
      button(t("duplicate_run"), () => ctx.add(i), { disabled: runs.length >= MAX_RUNS, className: "duplicate",
        ariaLabel: t("duplicate_run_n", { n: i + 1 }) }, `dup:${i}`),
      button(t("remove_run"), () => ctx.remove(i), { disabled: runs.length <= 1, className: "remove",
        ariaLabel: t("remove_run_n", { n: i + 1 }) }, `remove:${i}`));
    ol.append(li);
  });
  return ol;
}

// What the grid shows, as a key: a re-render that would show the same is skipped, so a value
// being typed is never wiped by an unrelated plan.
function signature(state, sizes, marks) {
  const m = Object.entries(marks).map(([k, v]) => [k, [...v.runs], v.messages]);
  return JSON.stringify([state.runs, [...state.varied], sizes, m, state.plan && state.plan.runs.map((r) => r.label)]);
}

// The sizes of real data sets, from the server's plan of these runs (none while it is stale).
function sizesOf(state) {
  const { plan, runs } = state;
  const current = plan && plan.runs.length === runs.length &&
    plan.runs.every((p, i) => String(p.config.dataset) === valueOf(runs[i], "dataset"));
  return runs.map((_, i) => (current ? fixedSize(plan.runs[i], SIZE_KEY) : null));
}

// state: the store's state (runs, varied, errors, plan); actions: runs() (the store's runs now),
// edit(runs, vary), vary(key, on)
export function renderControls(root, state, actions) {
  const { runs } = state;
  const sizes = sizesOf(state);
  const marks = invalidMarks(state.errors.filter((e) => typeof e === "object"), runs, FIELDS, valueOf);
  const shown = signature(state, sizes, marks);
  if (root.dataset.shown === shown) return true;
  const active = root.contains(document.activeElement) ? document.activeElement : null;
  // a value being typed (not committed yet by Enter or by leaving the control) is not drawn away
  // by the plan of an earlier edit: removing its control would commit it half typed (Chromium
  // fires its change). The grid is drawn once it is committed (false: the frames try again).
  if (active && SHOWN.has(active) && active.value !== SHOWN.get(active)) return false;
  root.dataset.shown = shown;
  const focused = active ? active.dataset.focus : null;
  const grid = settingsGrid(FIELDS, runs, state.varied, valueOf, ORDER);
  const perRunKeys = grid.flatMap((g) => g.rows.filter((r) => r.perRun).map((r) => r.spec.key));
  // every edit acts on the store's runs at the time of the edit (actions.runs()), not on `runs`,
  // which this grid was drawn from: a grid drawn late must not undo the edits made since
  const now = () => actions.runs();
  const ctx = { marks, sizes,
    set: (key, i, text) => actions.edit(setValue(now(), key, i, text), i === null ? [] : [key]),
    vary: (key, on) => {
      if (on) return actions.vary(key, true);
      actions.vary(key, false);
      return actions.edit(setValue(now(), key, null, valueOf(now()[0], key)));
    },
    // a new run starts as a copy; the run keys (and the keys shown per run) get a control per run
    add: (i) => actions.edit(duplicateRun(now(), i, MAX_RUNS),
      [...perRunKeys, ...FIELDS.filter((f) => f.group === "runs").map((f) => f.key)]),
    remove: (i) => actions.edit(removeRun(now(), i)),
  };
  const labels = state.plan && state.plan.runs.length === runs.length ? state.plan.runs.map((r) => r.label) : [];
  root.replaceChildren(...grid.map(({ group, rows }) => {
    const fieldset = document.createElement("fieldset");
    fieldset.dataset.group = group;
    const legend = document.createElement("legend");
    legend.textContent = t(`group_${group}`);
    fieldset.append(legend);
    if (group === "runs") fieldset.append(batchChoices(), runList(runs, labels, ctx));
    fieldset.append(...rows.map((r) => row(r, ctx)));
    if (group === "runs") fieldset.append(button(t("add_run"), () => ctx.add(now().length - 1),
      { disabled: runs.length >= MAX_RUNS, id: "add-run" }, "add"));
    return fieldset;
  }));
  restoreFocus(root, focused);
  return true;
}

function restoreFocus(root, focused) {
  if (!focused) return;
  const again = root.querySelector(`[data-focus="${CSS.escape(focused)}"]`);
  (again && !again.disabled ? again : root.querySelector("#add-run"))?.focus();
}
