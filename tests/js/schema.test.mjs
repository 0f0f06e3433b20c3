import assert from "node:assert/strict";
import { test } from "node:test";
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
