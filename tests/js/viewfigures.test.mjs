import assert from "node:assert/strict";
import { test } from "node:test";
import { Decimator } from "../../static/js/decimate.js";
import { noiseFigure, overfitFigure, span } from "../../static/js/viewfigures.js";
import { plan } from "./helpers.mjs";

const ev = (update, epoch, train, val) => ({ update, epoch, train_loss: train, val_loss: val });

test("overfitting: the best epoch starred, the epochs after it shaded, the axis by the one rule", () => {
  const plans = [plan({ label: "long", nVal: 10 }), plan({ label: "wild", nVal: 10 })];
  const runs = [
    { status: "completed", evals: [ev(0, 0, 2, 2), ev(10, 1, 1, 0.5), ev(20, 2, 0.5, 0.9)] },
    { status: "diverged", evals: [ev(0, 0, 2, 2), ev(10, 1, 1e6, 1e7)] },
  ];
  const { data, layout, label } = overfitFigure(plans, runs);
  const star = data.find((d) => d.name.includes("best epoch"));
  assert.deepEqual([star.x, star.y], [[1], [0.5]]);
  assert.deepEqual(layout.shapes.map((s) => [s.x0, s.x1]), [[1, 2]]);
  assert.deepEqual(layout.yaxis.range, [0, 3]); // 1.5 x the calm run's largest loss (2)
  assert.match(label, /long: validation loss 0.9/);
});

test("gradient noise: each run's bucket means over epochs, and their mean in the text", () => {
  const plans = [plan({ label: "full", variant: "full-batch" })];
  const cos = Float64Array.from([1, 1, NaN, 1]);
  const dec = new Decimator();
  dec.update(cos, 4);
  const { data, label } = noiseFigure(plans, [{ cos, cosN: 4 }], [dec]);
  assert.deepEqual(data[0].y, [1, 1, 1]);
  assert.deepEqual(data[0].x, [0.1, 0.2, 0.4]);
  assert.match(label, /full: 1$/);
});

test("span pads the finite values", () => {
  assert.deepEqual(span([0, NaN, 10]), [-0.8, 10.8]);
  assert.equal(span([NaN]), undefined);
});
