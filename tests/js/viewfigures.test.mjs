import assert from "node:assert/strict";
import { test } from "node:test";
import { Decimator } from "../../static/js/decimate.js";
import { emptyView, fitFigure, landscapeFigure, noiseFigure, noiseGap, overfitFigure, pathOrder, span } from "../../static/js/viewfigures.js";
import { DATA_COLOR, runColor } from "../../static/js/theme.js";
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
  assert.deepEqual(data[0].x, [0, 0.1, 0.3]); // at the weights each update started from, as the losses
  assert.match(label, /full: 1$/);
});

test("span pads the finite values", () => {
  assert.deepEqual(span([0, NaN, 10]), [-0.8, 10.8]);
  assert.equal(span([NaN]), undefined);
});

test("gradient noise never measured says why, in words, once the runs are done", () => {
  const bn = { ...plan({ label: "bn" }), config: { batch_norm: true } };
  const big = { ...plan({ n: 60000, b: 100, label: "big" }), config: { batch_norm: false } };
  const none = { cos: new Float64Array(0), cosN: 0 };
  const running = noiseFigure([big], [{ ...none, status: "running" }], [new Decimator()], 400);
  assert.equal(running.data.length, 0);
  assert.equal(running.layout.annotations.length, 0); // it may still measure: nothing said yet
  const empty = noiseFigure([big], [{ ...none, status: "completed" }], [new Decimator()], 400);
  assert.equal(empty.data.length, 0);
  const text = empty.layout.annotations[0].text.replace(/<br>/g, " ");
  assert.match(text, /not measured for this comparison\. big: not measured, because with 60000 training examples/);
  assert.equal(empty.layout.xaxis.visible, false);
  assert.match(empty.label, /^Gradient noise: Gradient noise is not measured/);
  // one run measured, the batch-norm run not: its line, and a note naming the other
  const cos = Float64Array.from([0.5, 0.7]);
  const dec = new Decimator();
  dec.update(cos, 2);
  const part = noiseFigure([plan({ label: "plain" }), bn], [{ cos, cosN: 2, status: "completed" }, { ...none, status: "completed" }],
    [dec, new Decimator()], 600);
  assert.equal(part.data.length, 1);
  assert.match(part.layout.annotations[0].text.replace(/<br>/g, " "), /bn: not measured, because computing the full-batch gradient would move its batch-normalization/);
});

const land = { w: [0, 1], b: [0, 1], loss: [[1, 2], [3, 4]], minimum: { w: 0.5, b: 0.5 } };
const walk = (n) => ({ path: Array.from({ length: n }, (_, k) => [k, k / n, k / n]) });

test("landscape: outlines, then paths longest first (the full batch's short one on top), then every start and end mark", () => {
  const plans = [plan({ label: "full", variant: "full-batch" }), plan({ label: "sgd" }), plan({ label: "b100" }), plan({ label: "none" })];
  const runs = [walk(21), walk(400), walk(201), walk(0)];
  assert.deepEqual(pathOrder(runs), [1, 2, 0, 3]);
  const { data } = landscapeFigure(plans, runs, land);
  const paths = data.filter((d) => d.meta);
  assert.deepEqual(paths.map((d) => d.meta.run), [1, 2, 0]); // a run with no path yet draws nothing
  assert.deepEqual(new Set(paths.map((d) => d.line.dash)).size, 3); // each run its own dash, as on the loss chart
  const first = data.indexOf(paths[0]), last = data.indexOf(paths[2]);
  const outlines = data.slice(1, first);
  assert.equal(outlines.length, 3);
  assert.ok(outlines.every((o) => o.line.color === "#fff" && o.line.width > paths[0].line.width && o.meta === undefined));
  assert.equal(data[last + 1].name, "minimum"); // the star above the paths, under the marks of those ending at it
  const marks = data.slice(last + 2, last + 5); // every start and end above every path
  assert.deepEqual(marks.map((m) => m.legendgroup), ["run1", "run2", "run0"]);
  for (const m of marks) {
    assert.deepEqual(m.marker.symbol, ["circle", "square"]);
    assert.equal(m.meta, undefined);
  }
  assert.deepEqual(marks[2].marker.color, ["#fff", paths[2].line.color]); // open start, filled end
  assert.deepEqual([marks[2].x, marks[2].y], [[0, 20 / 21], [0, 20 / 21]]);
  assert.deepEqual(data.slice(-2).map((d) => d.name), ["start", "now / end"]); // the legend's key to the marks
});

test("noiseGap: nothing while a run may still measure or when it measured; else why not", () => {
  const bn = { ...plan({ label: "bn" }), config: { batch_norm: true } };
  const big = { ...plan({ n: 60000, b: 100, label: "big" }), config: { batch_norm: false } };
  assert.equal(noiseGap(bn, { status: "running", cosN: 0 }), null);
  assert.equal(noiseGap(bn, { status: "completed", cosN: 3 }), null);
  assert.match(noiseGap(bn, { status: "stopped", cosN: 0 }), /^bn: not measured, because .*batch-normalization/);
  assert.match(noiseGap(big, { status: "completed", cosN: 0 }), /^big: not measured, because with 60000 training examples/);
  assert.equal(noiseGap(big, { status: "diverged", cosN: 0 }), null); // a diverged run's cosines are not missing for a reason
});

test("emptyView: a message chart whose text alternative names the view", () => {
  const { data, layout, label } = emptyView("fit", "too large", 400);
  assert.deepEqual(data, []);
  assert.equal(layout.annotations[0].text, "too large");
  assert.equal(label, "The data and the fit: too large");
});

const regression = { task: "regression", X_train: [[0], [2]], y_train: [[1], [5]], X_val: [[1]], y_val: [[3]] };

test("fit, regression: grey data, then each run's line from its last weights across the training data", () => {
  const plans = [plan({ label: "a" }), plan({ label: "b" })];
  const runs = [{ path: [[0, 0, 0], [10, 2, 1]] }, { path: [] }];
  const { data, layout, label } = fitFigure(plans, runs, regression);
  assert.deepEqual(data.map((d) => d.name), ["training data", "validation data", "a"]); // b has no weights yet
  assert.equal(data[0].marker.color, DATA_COLOR);
  assert.deepEqual([data[2].x, data[2].y, data[2].meta, data[2].line.color], [[0, 2], [1, 5], { run: 0 }, runColor(0)]);
  assert.deepEqual(layout.xaxis.range, [-0.16, 2.16]); // the data's span, padded
  assert.equal(label, "The data and the fit; a: y = 2 x + 1");
});

test("fit, classification: two classes of data, each run's decision boundary at p = 0.5", () => {
  const moons = { task: "classification", X_train: [[0, 0], [1, 1]], y_train: [0, 1], X_val: [], y_val: [] };
  const boundary = { update: 7, grid: { n: 2, x0: [0, 1], x1: [0, 1] }, probs: [0.1, 0.9, 0.4, 0.6] };
  const { data, label } = fitFigure([plan({ label: "m" })], [{ path: [], boundary }], moons);
  assert.deepEqual(data.map((d) => d.type), ["scatter", "scatter", "contour"]);
  assert.deepEqual(data.slice(0, 2).map((d) => d.name), ["training data · class 0", "training data · class 1"]);
  assert.deepEqual([data[2].z, data[2].contours.start, data[2].meta], [[[0.1, 0.9], [0.4, 0.6]], 0.5, { run: 0 }]);
  assert.equal(label, "The data and the fit; m: update 7");
});
