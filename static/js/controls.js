// The form, built from the server's schema: shared keys grouped (data, model, training) and the
// list of runs. Each control takes its options, bounds, step, default and help from the schema.
import { FIELDS, MAX_RUNS, problemWith, valueOf } from "./state.js";
import { t } from "./i18n.js";

const OPTION_TEXT = {
  dataset: (v) => t(`dataset_${v}`),
  model: (v) => (v ? t(`model_${v}`) : t("auto")),
  loss: (v) => (v ? t(`loss_${v}`) : t("auto")),
  optimizer: (v) => ({ sgd: "SGD", adam: "Adam", rmsprop: "RMSprop", adagrad: "Adagrad" })[v],
};
const BATCH_CHOICES = ["1", "10", "32", "100"]; // suggestions only; the schema bounds the value

let uid = 0;

function numberAttributes(el, spec) {
  if (spec.min !== undefined) el.min = String(spec.min);
  if (spec.max !== undefined) el.max = String(spec.max);
  if (spec.minExclusive) el.dataset.minExclusive = "true";
  if (spec.maxExclusive) el.dataset.maxExclusive = "true";
  el.step = String(spec.step ?? "any");
}

function control(spec, value) {
  let el;
  if (spec.type === "enum") {
    el = document.createElement("select");
    for (const option of spec.options) el.append(new Option((OPTION_TEXT[spec.key] || String)(option), option));
    el.value = value;
  } else if (spec.type === "bool") {
    el = document.createElement("input");
    el.type = "checkbox";
    el.checked = value === "true";
  } else if (spec.type === "batch") {
    el = document.createElement("input");
    el.setAttribute("list", "batch-choices");
    el.inputMode = "numeric";
    numberAttributes(el, spec);
    el.value = value;
  } else {
    el = document.createElement("input");
    el.type = spec.type === "text" ? "text" : "number";
    if (spec.type === "text") {
      if (spec.pattern) el.pattern = spec.pattern;
      if (spec.maxLength) el.maxLength = spec.maxLength;
    } else {
      numberAttributes(el, spec);
    }
    el.value = value;
    if (spec.optional && spec.key === "noise") el.placeholder = t("auto");
  }
  el.dataset.default = spec.default;
  el.title = spec.description;
  return el;
}

function input(spec, value, onChange) {
  const id = `f-${spec.key}-${uid++}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = t(spec.key);
  const el = control(spec, value);
  el.id = id;
  el.name = spec.key;
  el.addEventListener("change", () => {
    const text = spec.type === "bool" ? String(el.checked) : el.value.trim();
    const problem = problemWith(spec, text);
    el.setAttribute("aria-invalid", String(Boolean(problem)));
    el.setCustomValidity(problem ? spec.description : "");
    onChange(text); // the server names the key and what is allowed if the value is refused
  });
  const wrap = document.createElement("div");
  wrap.className = `field field-${spec.type}`;
  if (spec.type === "bool") wrap.append(el, label);
  else wrap.append(label, el);
  return wrap;
}

function button(text, onClick, extra = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  Object.assign(b, extra);
  b.addEventListener("click", onClick);
  return b;
}

function batchChoices() {
  const datalist = document.createElement("datalist");
  datalist.id = "batch-choices";
  const batch = FIELDS.find((f) => f.key === "batch_size");
  for (const v of [...batch.special, ...BATCH_CHOICES]) datalist.append(new Option(v === "full" ? t("full") : v, v));
  return datalist;
}

// runs: array of {key: text}; onEdit(newRuns) is called with a fresh copy after every edit.
export function renderControls(root, runs, onEdit) {
  const edit = (fn) => {
    const copy = runs.map((r) => ({ ...r }));
    fn(copy);
    onEdit(copy);
  };
  const groups = [];
  for (const group of ["data", "model", "optimizer"]) {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = t(`group_${group}`);
    fieldset.append(legend);
    for (const spec of FIELDS.filter((f) => f.group === group)) {
      // a shared control shows the first run's value and sets it for every run
      fieldset.append(input(spec, valueOf(runs[0], spec.key), (v) => edit((rs) => rs.forEach((r) => { r[spec.key] = v; }))));
    }
    groups.push(fieldset);
  }
  const list = document.createElement("fieldset");
  list.className = "runs";
  const legend = document.createElement("legend");
  legend.textContent = t("group_runs");
  list.append(legend, batchChoices());
  const ol = document.createElement("ol");
  runs.forEach((run, i) => {
    const li = document.createElement("li");
    li.className = "run";
    li.dataset.run = i;
    const title = document.createElement("h3");
    title.textContent = t("run_n", { n: i + 1 });
    li.append(title);
    for (const spec of FIELDS.filter((f) => f.group === "runs")) {
      li.append(input(spec, valueOf(run, spec.key), (v) => edit((rs) => { rs[i][spec.key] = v; })));
    }
    const actions = document.createElement("div");
    actions.className = "run-actions";
    actions.append(
      button(t("duplicate_run"), () => edit((rs) => rs.splice(i + 1, 0, { ...rs[i] })),
        { disabled: runs.length >= MAX_RUNS, className: "duplicate" }),
      button(t("remove_run"), () => edit((rs) => rs.splice(i, 1)), { disabled: runs.length <= 1, className: "remove" }),
    );
    li.append(actions);
    ol.append(li);
  });
  list.append(ol);
  list.append(button(t("add_run"), () => edit((rs) => rs.push({ ...rs[rs.length - 1], label: "" })),
    { disabled: runs.length >= MAX_RUNS, id: "add-run" }));
  root.replaceChildren(...groups, list);
}
