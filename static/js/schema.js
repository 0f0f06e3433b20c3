// The run schema (the server's /api/schema) read into control descriptions, and the check that
// marks a control invalid as the user types. Every key, bound, option and default comes from the
// schema; the server checks again and its 422 names what is allowed.

// A value as links write it (the server's value_text for defaults: null -> "", true -> "true").
export function valueText(value) {
  if (value === null || value === undefined) return "";
  return String(value);
}

const BOUNDS = [["minimum", "min"], ["exclusiveMinimum", "min"], ["maximum", "max"], ["exclusiveMaximum", "max"]];

function numberSpec(spec, main) {
  spec.type = spec.special.length ? "batch" : main.type === "integer" ? "int" : "float";
  for (const [name, bound] of BOUNDS) {
    if (name in main) {
      spec[bound] = main[name];
      if (name.startsWith("exclusive")) spec[`${bound}Exclusive`] = true;
    }
  }
}

// One control's description, read off the schema: kind, options, bounds, step, default.
export function describe(key, prop) {
  const members = (prop.anyOf || [prop]).filter((p) => p.type !== "null");
  const optional = (prop.anyOf || []).some((p) => p.type === "null");
  const spec = { key, group: prop["x-group"], description: prop.description || "", optional,
    default: valueText(prop.default), step: prop["x-step"], special: members.filter((p) => "const" in p).map((p) => p.const),
    datasetSize: prop["x-dataset-size"] === true };
  const main = members.find((p) => !("const" in p)) || members[0];
  if (main.enum) {
    spec.type = "enum";
    spec.options = optional ? ["", ...main.enum] : [...main.enum];
  } else if (main.type === "boolean") {
    spec.type = "bool";
  } else if (main.type === "integer" || main.type === "number") {
    numberSpec(spec, main);
  } else {
    spec.type = "text";
    if (main.pattern) spec.pattern = main.pattern;
    if (main.maxLength) spec.maxLength = main.maxLength;
  }
  return spec;
}

export function fields(schema) {
  return Object.entries(schema.properties).map(([key, prop]) => describe(key, prop));
}

// Why a text is not a valid value of a field, or "" when it is (the server checks again).
export function problemWith(spec, text) {
  if (text === "") return spec.optional || spec.type === "text" ? "" : "empty";
  if (spec.type === "enum") return spec.options.includes(text) ? "" : "option";
  if (spec.type === "bool") return text === "true" || text === "false" ? "" : "bool";
  if (spec.type === "text") {
    if (spec.maxLength && text.length > spec.maxLength) return "length";
    return spec.pattern && !new RegExp(spec.pattern).test(text) ? "pattern" : "";
  }
  if (spec.special.includes(text)) return "";
  const x = Number(text);
  if (!Number.isFinite(x) || ((spec.type === "int" || spec.type === "batch") && !Number.isInteger(x))) return "number";
  if (spec.min !== undefined && (spec.minExclusive ? x <= spec.min : x < spec.min)) return "range";
  if (spec.max !== undefined && (spec.maxExclusive ? x >= spec.max : x > spec.max)) return "range";
  return "";
}

// ---- the settings grid (runs x keys) ----

// The key that sizes a synthetic data set (a real one ignores it): the schema's `x-dataset-size`
// key, else the first whole-number key of the data group (schema order).
export function sizeKey(specs) {
  const marked = specs.find((s) => s.datasetSize);
  return (marked || specs.find((s) => s.group === "data" && s.type === "int") || {}).key;
}

// A run's data set size as the server's plan states it, when the data set is a real one of fixed
// size (its size differs from the size key's value): {n, train, val}; else null.
export function fixedSize(planRun, key) {
  const n = planRun.n_train + planRun.n_val;
  return key && Number(planRun.config[key]) !== n ? { n, train: planRun.n_train, val: planRun.n_val } : null;
}

// The settings as a runs x keys grid, group by group (in `order`): a key is one shared row when
// every run has the same value, else (or when the user asked, `varied`) one control per run.
export function settingsGrid(specs, runs, varied, valueOf, order) {
  return order.map((group) => ({
    group,
    rows: specs.filter((s) => s.group === group).map((spec) => {
      const values = runs.map((r) => valueOf(r, spec.key));
      const perRun = runs.length > 1 && (varied.has(spec.key) || values.some((v) => v !== values[0]));
      return { spec, perRun, values };
    }),
  }));
}

// The grid's edits, each on the runs as they are when the user makes it (the store's runs), never
// on the runs a grid was drawn from: while a long run keeps the frames busy the grid is drawn late,
// and an edit made on its runs would undo the edits made since (a stale index changes nothing).
// key's value in run i, or in every run when i is null
export function setValue(runs, key, i, text) {
  return runs.map((r, j) => (i === null || i === j ? { ...r, [key]: text } : { ...r }));
}

// a new run after run i starts as its copy (without its label), up to max runs
export function duplicateRun(runs, i, max) {
  if (runs.length >= max || !runs[i]) return runs.map((r) => ({ ...r }));
  const copies = runs.map((r) => ({ ...r }));
  copies.splice(i + 1, 0, { ...runs[i], label: "" });
  return copies;
}

// run i removed (never the last run)
export function removeRun(runs, i) {
  return runs.length <= 1 ? runs.map((r) => ({ ...r })) : runs.filter((_, j) => j !== i).map((r) => ({ ...r }));
}

// Which controls are invalid: per key, the runs whose value is bad and the server's messages.
// A refusal names its key (a length mismatch names several, "a,b"); where the page's own check
// finds no bad run (a rule across keys), every run's control of that key is marked.
export function invalidMarks(errors, runs, specs, valueOf) {
  const marks = {};
  const mark = (key, bad, message) => {
    const m = (marks[key] ||= { runs: new Set(), messages: [] });
    bad.forEach((i) => m.runs.add(i));
    if (message) m.messages.push(message);
  };
  for (const spec of specs) {
    const bad = runs.map((r, i) => (problemWith(spec, valueOf(r, spec.key)) ? i : -1)).filter((i) => i >= 0);
    if (bad.length) mark(spec.key, bad, "");
  }
  for (const error of errors) {
    for (const key of String(error.key || "").split(",")) {
      if (!specs.some((s) => s.key === key)) continue;
      const known = marks[key] ? [...marks[key].runs] : [];
      mark(key, known.length ? known : runs.map((_, i) => i), error.msg);
    }
  }
  return marks;
}
