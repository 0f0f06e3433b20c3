import assert from "node:assert/strict";
import { test } from "node:test";
import { caseFile } from "./cases.mjs";
import { describe, fields, problemWith, valueText } from "../../static/js/schema.js";

const SCHEMA = { properties: {
  batch_size: { anyOf: [{ const: "full" }, { type: "integer", minimum: 1, maximum: 100000 }], default: 32, "x-group": "runs", "x-step": 1 },
  learning_rate: { type: "number", exclusiveMinimum: 0, maximum: 10, default: 0.01, "x-step": 0.001 },
  patience: { anyOf: [{ type: "integer", minimum: 1 }, { type: "null" }], default: null },
  optimizer: { enum: ["sgd", "adam"], default: "sgd" },
  shuffle: { type: "boolean", default: true },
  hidden: { type: "string", pattern: "^\\d+(x\\d+)*$", maxLength: 40, default: "16" },
} };

test("each control is read off the schema: kind, bounds, options, default", () => {
  const [batch, lr, patience, optimizer, shuffle, hidden] = fields(SCHEMA);
  assert.deepEqual([batch.type, batch.min, batch.max, batch.special, batch.default, batch.group], ["batch", 1, 100000, ["full"], "32", "runs"]);
  assert.deepEqual([lr.type, lr.min, lr.minExclusive, lr.max, lr.step], ["float", 0, true, 10, 0.001]);
  assert.deepEqual([patience.type, patience.optional, patience.default], ["int", true, ""]);
  assert.deepEqual([optimizer.type, optimizer.options], ["enum", ["sgd", "adam"]]);
  assert.deepEqual([shuffle.type, shuffle.default], ["bool", "true"]);
  assert.deepEqual([hidden.type, hidden.maxLength], ["text", 40]);
  assert.equal(describe("x", { anyOf: [{ enum: ["a"] }, { type: "null" }] }).options.join(), ",a");
});

test("a text is checked against exactly what the schema states", () => {
  const [batch, lr, patience, optimizer, shuffle, hidden] = fields(SCHEMA);
  assert.equal(problemWith(batch, "full"), "");
  assert.equal(problemWith(batch, "1.5"), "number");
  assert.equal(problemWith(batch, "0"), "range");
  assert.equal(problemWith(lr, "0"), "range"); // exclusive
  assert.equal(problemWith(lr, "10"), "");
  assert.equal(problemWith(lr, ""), "empty");
  assert.equal(problemWith(patience, ""), "");
  assert.equal(problemWith(optimizer, "adamw"), "option");
  assert.equal(problemWith(shuffle, "yes"), "bool");
  assert.equal(problemWith(hidden, "16x16"), "");
  assert.equal(problemWith(hidden, "16,16"), "pattern");
  assert.deepEqual([valueText(null), valueText(true), valueText(0.01)], ["", "true", "0.01"]);
});

// The schema the app serves, with the server's words and verdicts (tests/cases/schema.json,
// written by tests/test_schemas.py): the page reads the same bounds and judges texts alike.
const SERVED = caseFile("schema");

// the words the server's `allowed` must hold for what the page read off the schema
function boundWords(spec) {
  if (spec.type === "enum") return [`one of ${spec.options.filter(Boolean).join(", ")}`];
  if (spec.type === "bool") return ["true or false"];
  if (spec.type === "text") return spec.maxLength ? [`at most ${spec.maxLength} characters`] : [];
  const words = spec.special.map((s) => `'${s}'`);
  words.push(spec.type === "float" ? "a number" : "a whole number");
  if (spec.min !== undefined) words.push(`${spec.minExclusive ? ">" : ">="} ${spec.min}`);
  if (spec.max !== undefined) words.push(`${spec.maxExclusive ? "<" : "<="} ${spec.max}`);
  return words;
}

test("every served key: the page reads the bounds the server words (tests/cases/schema.json)", () => {
  assert.deepEqual(SERVED.cases.map((c) => c.key), Object.keys(SERVED.schema.properties));
  for (const c of SERVED.cases) {
    const spec = describe(c.key, SERVED.schema.properties[c.key]);
    for (const words of boundWords(spec)) assert.ok(c.allowed.includes(words), `${c.key}: "${c.allowed}" lacks "${words}"`);
  }
});

test("every served key: the page takes the texts the server takes (tests/cases/schema.json)", () => {
  for (const c of SERVED.cases) {
    const spec = describe(c.key, SERVED.schema.properties[c.key]);
    for (const { text, valid, page_valid: pageValid } of c.texts) {
      assert.equal(problemWith(spec, text) === "", pageValid ?? valid, `${c.key}=${text}: ${problemWith(spec, text)}`);
    }
  }
});
