// The comparison's runs <-> query strings, driven by the server's run schema (embedded in the
// page as JSON, also at /api/schema). No key, bound or default is written here: fields() reads
// them off the schema. The canonical link is the server's `plan.query`; runsQuery() is only the
// transport that carries the form's runs to the server.

const config = JSON.parse(document.getElementById("page-config").textContent);
export const SCHEMA = config.schema;
export const KEY_NAMES = Object.keys(SCHEMA.properties);
export const PAGE_KEYS = Object.keys(SCHEMA["x-page-keys"]);
export const VIEWS = SCHEMA["x-views"];
export const MAX_RUNS = config.max_runs;
export const DEFAULT_QUERY = config.default_query;
export const LESSONS = config.lessons;

// A value as links write it (the server's value_text for defaults: null -> "", true -> "true").
export function valueText(value) {
  if (value === null || value === undefined) return "";
  return String(value);
}

// One control's description, read off the schema: kind, options, bounds, step, default.
function describe(key, prop) {
  const members = (prop.anyOf || [prop]).filter((p) => p.type !== "null");
  const optional = (prop.anyOf || []).some((p) => p.type === "null");
  const spec = { key, group: prop["x-group"], description: prop.description || "", optional,
    default: valueText(prop.default), step: prop["x-step"], special: members.filter((p) => "const" in p).map((p) => p.const) };
  const main = members.find((p) => !("const" in p)) || members[0];
  if (main.enum) {
    spec.type = "enum";
    spec.options = optional ? ["", ...main.enum] : [...main.enum];
  } else if (main.type === "boolean") {
    spec.type = "bool";
  } else if (main.type === "integer" || main.type === "number") {
    spec.type = spec.special.length ? "batch" : main.type === "integer" ? "int" : "float";
    for (const [name, bound] of [["minimum", "min"], ["exclusiveMinimum", "min"], ["maximum", "max"], ["exclusiveMaximum", "max"]]) {
      if (name in main) {
        spec[bound] = main[name];
        if (name.startsWith("exclusive")) spec[`${bound}Exclusive`] = true;
      }
    }
  } else {
    spec.type = "text";
    if (main.pattern) spec.pattern = main.pattern;
    if (main.maxLength) spec.maxLength = main.maxLength;
  }
  return spec;
}

export const FIELDS = KEY_NAMES.map((key) => describe(key, SCHEMA.properties[key]));
const DEFAULTS = Object.fromEntries(FIELDS.map((f) => [f.key, f.default]));

export function valueOf(run, key) {
  return run[key] ?? DEFAULTS[key] ?? "";
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

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

// Raw query -> runs of {key: text} and page-only keys. Lists split on literal commas before
// items are decoded, as the server does (a comma inside a label travels as %2C).
export function parseQuery(search) {
  const lists = {};
  const page = {};
  for (const part of search.replace(/^\?/, "").split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    const key = decode(at < 0 ? part : part.slice(0, at));
    const items = (at < 0 ? "" : part.slice(at + 1)).split(",").map(decode);
    if (PAGE_KEYS.includes(key)) page[key] = items.join(",");
    else lists[key] = items; // unknown keys are kept so the API can name them
  }
  const hasRunKeys = Object.keys(lists).length > 0;
  const n = Math.max(1, ...Object.values(lists).map((v) => v.length));
  const runs = Array.from({ length: n }, (_, i) =>
    Object.fromEntries(Object.entries(lists).map(([key, values]) => [key, values.length > 1 ? values[i] ?? "" : values[0]])));
  return { runs, page, hasRunKeys };
}

const encode = (text) => encodeURIComponent(text);

// The form's runs as a query for the server: every key some run sets, one item per run (so the
// run count always travels); the server answers with the canonical link.
export function runsQuery(runs) {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  if (!keys.length) keys.push(KEY_NAMES[0]);
  return keys.map((key) => `${encode(key)}=${runs.map((r) => encode(valueOf(r, key))).join(",")}`).join("&");
}

// The canonical link (the server's plan.query) followed by the page-only keys that are set.
export function withPage(query, page = {}) {
  const extra = PAGE_KEYS.filter((k) => page[k] !== undefined && page[k] !== "").map((k) => `${k}=${encode(page[k])}`);
  return [query, ...extra].filter(Boolean).join("&");
}
