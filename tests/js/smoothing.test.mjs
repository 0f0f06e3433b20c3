import assert from "node:assert/strict";
import { test } from "node:test";
import { Smoother, smooth, smoothingWeight } from "../../static/js/smoothing.js";
import { plan } from "./helpers.mjs";

test("TensorBoard's debiased EMA: the first value is kept, later ones hand-checked", () => {
  const out = smooth([1, 2, 3], 0.5);
  assert.equal(out[0], 1);
  // ema = 0.75 after two, debiased by 1 - 0.25; then 1.875 / (1 - 0.125)
  assert.ok(Math.abs(out[1] - (0.5 * 0.5 * 1 + 0.5 * 2) / 0.75) < 1e-12);
  assert.ok(Math.abs(out[2] - (0.5 * (0.25 * 1 + 0.5 * 2) + 0.5 * 3) / 0.875) < 1e-12);
});

test("weight 0 is the series itself; missing values are skipped, NaN before the first", () => {
  assert.deepEqual(smooth([3, 1, 4], 0), [3, 1, 4]);
  const out = smooth([NaN, 2, NaN, 4], 0.5);
  assert.ok(Number.isNaN(out[0]));
  assert.equal(out[1], 2);
  assert.equal(out[2], 2); // a missing value repeats the average so far
  assert.ok(Math.abs(out[3] - (0.5 * 0.5 * 2 + 0.5 * 4) / 0.75) < 1e-12);
});

test("incremental updates give what one pass gives; a new weight starts over", () => {
  const values = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i) + 2);
  const s = new Smoother(50);
  s.update(values, 7, 0.9);
  s.update(values, 31, 0.9);
  const whole = smooth(Array.from(values), 0.9);
  assert.deepEqual(Array.from(s.update(values, 50, 0.9)), whole);
  assert.deepEqual(Array.from(s.update(values, 50, 0.3)), smooth(Array.from(values), 0.3));
});

test("each run's weight: none for the full batch, the link's, else about one epoch", () => {
  assert.equal(smoothingWeight(plan({ variant: "full-batch" }), 0.8), 0);
  assert.equal(smoothingWeight(plan({ b: 10 }), 0.6), 0.6);
  assert.equal(smoothingWeight(plan({ b: 10 }), null), 0.9); // 10 updates an epoch
  assert.equal(smoothingWeight(plan({ n: 1000, b: 1 }), null), 0.99); // capped
});
