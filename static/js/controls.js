// The form: shared keys grouped (data, model, training), and the list of runs. Built from KEYS.
import { KEYS, MAX_RUNS, PRESETS, valueOf } from "./state.js";
import { t } from "./i18n.js";

const OPTION_TEXT = {
  dataset: (v) => t(`dataset_${v}`),
  model: (v) => (v ? t(`model_${v}`) : t("auto")),
  loss: (v) => (v ? t(`loss_${v}`) : t("auto")),
  optimizer: (v) => ({ sgd: "SGD", adam: "Adam", rmsprop: "RMSprop", adagrad: "Adagrad" })[v],
};

let uid = 0;

function input(spec, value, onChange, labelText) {
  const id = `f-${spec.key}-${uid++}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = labelText ?? t(spec.key);
  let el;
  if (spec.type === "enum") {
    el = document.createElement("select");
    for (const option of spec.options) {
      const o = document.createElement("option");
      o.value = option;
      o.textContent = (OPTION_TEXT[spec.key] || String)(option);
      el.append(o);
    }
    el.value = value;
  } else if (spec.type === "bool") {
    el = document.createElement("input");
    el.type = "checkbox";
    el.checked = value === "true";
  } else if (spec.type === "batch") {
    el = document.createElement("input");
    el.setAttribute("list", "batch-choices");
    el.value = value;
    el.inputMode = "numeric";
    el.pattern = "full|[0-9]+";
  } else {
    el = document.createElement("input");
    el.type = spec.type === "text" ? "text" : "number";
    el.value = value;
    for (const attr of ["min", "max", "step", "pattern"]) if (spec[attr] !== undefined) el.setAttribute(attr, spec[attr]);
    if (spec.type === "int") el.step = "1";
    if (spec.key === "noise") el.placeholder = t("auto");
  }
  el.id = id;
  el.name = spec.key;
  el.addEventListener("change", () => onChange(spec.type === "bool" ? String(el.checked) : el.value.trim()));
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

export function fillPresets(select, onPick) {
  for (const [key, query] of PRESETS) {
    const o = document.createElement("option");
    o.value = query;
    o.textContent = t(key);
    select.append(o);
  }
  select.addEventListener("change", () => select.value && onPick(select.value));
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
    for (const spec of KEYS.filter((k) => k.group === group)) {
      // a shared control shows the first run's value and sets it for every run
      fieldset.append(input(spec, valueOf(runs[0], spec.key), (v) => edit((rs) => rs.forEach((r) => { r[spec.key] = v; }))));
    }
    groups.push(fieldset);
  }
  const list = document.createElement("fieldset");
  list.className = "runs";
  const legend = document.createElement("legend");
  legend.textContent = t("group_runs");
  list.append(legend);
  const datalist = document.createElement("datalist");
  datalist.id = "batch-choices";
  for (const v of ["full", "1", "10", "32", "100"]) datalist.append(new Option(v === "full" ? t("full") : v, v));
  list.append(datalist);
  const ol = document.createElement("ol");
  runs.forEach((run, i) => {
    const li = document.createElement("li");
    li.className = "run";
    li.dataset.run = i;
    const title = document.createElement("h3");
    title.textContent = t("run_n", { n: i + 1 });
    li.append(title);
    for (const spec of KEYS.filter((k) => k.group === "runs")) {
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
