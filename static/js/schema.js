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
    default: valueText(prop.default), step: prop["x-step"], special: members.filter((p) => "const" in p).map((p) => p.const) };
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
