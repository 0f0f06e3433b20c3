// The chart rules the server's picture follows (app/chart_rules.py), on the same cases as
// tests/test_chart_rules.py (tests/cases/chart_rules.json).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Decimator } from "../../static/js/decimate.js";
import { calmRange } from "../../static/js/ranges.js";
import { smooth, smoothingWeight } from "../../static/js/smoothing.js";
import { HEADROOM, MAX_BUCKETS } from "../../static/js/theme.js";
import { caseFile } from "./cases.mjs";

const RULES = caseFile("chart_rules");
const close = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

test("the constants the picture copies", () => {
  assert.deepEqual({ HEADROOM, MAX_BUCKETS }, RULES.constants);
});

test("smoothing: TensorBoard's debiased moving average", () => {
  for (const c of RULES.smoothing) {
    const got = smooth(c.values, c.weight, c.log ?? false);
    assert.ok(got.every((v, i) => close(v, c.smoothed[i])), c.about);
  }
});

test("the weight: none for a full batch, else the link's smooth, else about one epoch, at most 0.99", () => {
  for (const c of RULES.weights) {
    const plan = { variant: c.full_batch ? "full-batch" : "mini-batch", iterations_per_epoch: c.iterations_per_epoch };
    const got = smoothingWeight(plan, c.chosen ?? null);
    assert.ok(close(got, c.weight) || got === c.weight, c.about);
  }
});

test("the decimator's bucket size", () => {
  for (const c of RULES.buckets) {
    const d = new Decimator();
    d.update(new Float64Array(c.n), c.n);
    assert.equal(d.size, c.size, c.about);
  }
});

test("the loss axis with a diverged run; else Plotly's autorange", () => {
  for (const c of RULES.ranges) {
    const got = calmRange(c.runs, false);
    if (c.range === null) assert.equal(got, undefined, c.about);
    else assert.ok(got[0] === c.range[0] && close(got[1], c.range[1]), c.about);
  }
});
