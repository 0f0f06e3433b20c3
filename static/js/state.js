// The comparison <-> query string. One table of keys drives parsing, writing and the controls.
// Every key holds one value per run; a key equal in all runs is written once (the contract's
// "a single value applies to every run"), keys differing between runs as a literal comma list.

export const KEYS = [
  { key: "dataset", group: "data", type: "enum", def: "linear", options: ["linear", "moons", "digits"] },
  { key: "n_samples", group: "data", type: "int", def: "1000", min: 2, max: 100000 },
  { key: "noise", group: "data", type: "float", def: "", min: 0, max: 10, step: 0.05 },
  { key: "seed", group: "data", type: "int", def: "0", min: 0 },
  { key: "validation_split", group: "data", type: "float", def: "0", min: 0, max: 0.9, step: 0.05 },
  { key: "normalize", group: "data", type: "bool", def: "false" },
  { key: "model", group: "model", type: "enum", def: "", options: ["", "linear", "logistic", "mlp"] },
  { key: "hidden", group: "model", type: "text", def: "16x16", pattern: "^\\d+(x\\d+){0,3}$" },
  { key: "activation", group: "model", type: "enum", def: "relu", options: ["relu", "tanh", "sigmoid"] },
  { key: "batch_norm", group: "model", type: "bool", def: "false" },
  { key: "loss", group: "model", type: "enum", def: "", options: ["", "mse", "cross_entropy"] },
  { key: "epochs", group: "optimizer", type: "int", def: "20", min: 1, max: 1000 },
  { key: "shuffle", group: "optimizer", type: "bool", def: "true" },
  { key: "momentum", group: "optimizer", type: "float", def: "0", min: 0, max: 0.99, step: 0.05 },
  { key: "nesterov", group: "optimizer", type: "bool", def: "false" },
  { key: "decay", group: "optimizer", type: "float", def: "0", min: 0, max: 100, step: 0.01 },
  { key: "patience", group: "optimizer", type: "int", def: "", min: 1, max: 1000 },
  // edited per run in the runs list
  { key: "label", group: "runs", type: "text", def: "" },
  { key: "batch_size", group: "runs", type: "batch", def: "32" },
  { key: "learning_rate", group: "runs", type: "float", def: "0.01", min: 0.000001, max: 100, step: "any" },
  { key: "optimizer", group: "runs", type: "enum", def: "sgd", options: ["sgd", "adam", "rmsprop", "adagrad"] },
];
export const KEY_NAMES = KEYS.map((k) => k.key);
export const PAGE_KEYS = ["lang", "autoplay", "v", "view"];
export const VIEWS = ["loss", "landscape", "fit", "noise", "overfit"];
export const MAX_RUNS = 8;
export const DEFAULT_QUERY = "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100";

export const PRESETS = [
  ["preset_batches", DEFAULT_QUERY],
  ["preset_mnist", "dataset=linear&n_samples=60000&batch_size=100&epochs=10&learning_rate=0.01"],
  ["preset_lr", "dataset=linear&n_samples=1000&epochs=20&batch_size=32&learning_rate=0.001,0.05,0.3,0.6&label=too small,good,oscillates,diverges"],
  ["preset_keras", "dataset=linear&n_samples=1000&epochs=20&batch_size=32&learning_rate=0.01&momentum=0,0.1&decay=0,0.1&label=plain SGD,lr 0.01 decay 0.1 momentum 0.1"],
  ["preset_overfit", "dataset=moons&n_samples=100&noise=0.35&model=mlp&hidden=64x64&epochs=600&batch_size=10&optimizer=adam&learning_rate=0.01&validation_split=0.5&patience=,50&label=600 epochs,early stopping"],
  ["preset_normalize", "dataset=digits&model=logistic&epochs=20&batch_size=32&learning_rate=0.1&normalize=false,true&validation_split=0.2"],
];

// Values travel in the link as text; the text is what controls show and edit.
function splitList(text) {
  return text.split(",");
}

export function parseQuery(search) {
  const params = new URLSearchParams(search);
  const lists = {};
  const page = {};
  for (const [key, value] of params) {
    if (PAGE_KEYS.includes(key)) page[key] = value;
    else lists[key] = splitList(value); // unknown keys are kept so the API can name them
  }
  const hasRunKeys = Object.keys(lists).length > 0;
  const n = Math.max(1, ...Object.values(lists).map((v) => v.length));
  const runs = [];
  for (let i = 0; i < n; i++) {
    const run = {};
    for (const [key, values] of Object.entries(lists)) run[key] = values.length > 1 ? values[i] ?? "" : values[0];
    runs.push(run);
  }
  return { runs, page, hasRunKeys };
}

// The lesson's keys are always in a link, so it reads on its own.
const ALWAYS_WRITTEN = ["dataset", "n_samples", "epochs", "batch_size"];
const DEFAULTS = Object.fromEntries(KEYS.map((k) => [k.key, k.def]));

export function valueOf(run, key) {
  return run[key] ?? DEFAULTS[key] ?? "";
}

export function toQuery(runs, page = {}) {
  const parts = [];
  const keys = [...KEY_NAMES, ...Object.keys(Object.assign({}, ...runs)).filter((k) => !KEY_NAMES.includes(k))];
  for (const key of keys) {
    const values = runs.map((r) => valueOf(r, key));
    const same = values.every((v) => v === values[0]);
    if (same && values[0] === (DEFAULTS[key] ?? "") && !ALWAYS_WRITTEN.includes(key)) continue;
    const text = same ? values[0] : values.join(",");
    parts.push(`${key}=${encodeValue(text)}`);
  }
  for (const key of PAGE_KEYS) if (page[key]) parts.push(`${key}=${encodeValue(page[key])}`);
  return parts.join("&");
}

// Commas stay literal; everything else a link cannot carry is escaped.
function encodeValue(text) {
  return encodeURIComponent(text).replace(/%2C/gi, ",");
}

export function apiQuery(runs) {
  return toQuery(runs, {});
}
