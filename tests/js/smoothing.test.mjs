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

test("log axis: a loss falling 1e0 -> 1e-8 is smoothed geometrically, ending near its last losses", () => {
  // it falls eight decades in 200 updates, then stays there, noisy by a factor of 3 either way
  const losses = Array.from({ length: 1000 }, (_, i) => Math.max(1e-8, 10 ** (-i / 25)) * (i % 2 ? 3 : 1 / 3));
  const linear = smooth(losses, 0.99).at(-1);
  const geometric = smooth(losses, 0.99, true).at(-1);
  assert.ok(linear > 100 * 3e-8); // the linear average sits two decades above every late loss (the bug)
  assert.ok(geometric > 1e-8 / 3 && geometric < 3e-8); // among the last losses
  // it is exp of TensorBoard's average of log(loss)
  const logs = smooth(losses.map(Math.log), 0.99);
  smooth(losses, 0.99, true).forEach((v, i) => assert.ok(Math.abs(Math.log(v) - logs[i]) < 1e-9));
});

test("log axis: a constant stays constant; <= 0, NaN and Infinity are skipped like missing values", () => {
  assert.ok(smooth([3, 3, 3, 3], 0.9, true).every((v) => Math.abs(v - 3) < 1e-12));
  const out = smooth([NaN, 0, 4, -1, Infinity, 1], 0.5, true);
  assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[1]));
  assert.ok(Math.abs(out[2] - 4) < 1e-12);
  assert.ok(Math.abs(out[3] - 4) < 1e-12 && Math.abs(out[4] - 4) < 1e-12);
  assert.ok(Math.abs(out[5] - Math.exp((0.25 * Math.log(4)) / 0.75)) < 1e-12); // geometric: 4^(1/3)
});

test("switching between linear and log starts over; linear is unchanged by the option", () => {
  const values = Float64Array.from({ length: 40 }, (_, i) => Math.exp(-i / 3));
  const s = new Smoother(40);
  s.update(values, 20, 0.8);
  assert.deepEqual(Array.from(s.update(values, 40, 0.8, true)), smooth(Array.from(values), 0.8, true));
  assert.deepEqual(Array.from(s.update(values, 40, 0.8, false)), smooth(Array.from(values), 0.8));
  assert.deepEqual(smooth([1, 2, 3], 0.5, false), smooth([1, 2, 3], 0.5));
});
