import assert from "node:assert/strict";
import { test } from "node:test";
import { Decimator } from "../../static/js/decimate.js";
import { endLabels, lossFigure, summary } from "../../static/js/figure.js";
import { calmRange, ceilingOf } from "../../static/js/ranges.js";
import { lastFinite, xAt } from "../../static/js/run.js";
import { Smoother } from "../../static/js/smoothing.js";
import { plan } from "./helpers.mjs";

const OPTIONS = { mode: "epochs", logX: false, logY: false, smoothing: null };

function track(index, p, losses, extra = {}) {
  const loss = Float64Array.from(losses);
  const run = { status: "completed", n: losses.length, loss, evals: [], updates: losses.length, ...extra };
  const dec = new Decimator();
  dec.update(loss, run.n);
  return { index, plan: p, run, dec, smoothed: new Smoother(loss.length).update(loss, run.n, 0) };
}

const calmAndDiverged = () => [
  track(0, plan({ label: "calm", variant: "full-batch" }), [4, 3, 2, 1]),
  track(1, plan({ label: "wild" }), [4, 40, 4000, NaN], { status: "diverged", updates: 4 }),
];

test("the one range rule: calm runs' largest loss x 1.5, only when a run diverged", () => {
  assert.equal(calmRange([{ diverged: false, top: 5, low: 1 }], false), undefined);
  assert.deepEqual(calmRange([{ diverged: false, top: 5, low: 1 }, { diverged: true, top: 1e9, low: 1 }], false), [0, 7.5]);
  const log = calmRange([{ diverged: false, top: 10, low: 0.01 }, { diverged: true, top: 1e9, low: 1 }], true);
  assert.deepEqual(log, [-2.2, Math.log10(15)]);
  assert.ok(Math.abs(ceilingOf(log, true) - 15) < 1e-12);
  assert.equal(calmRange([{ diverged: true, top: 3, low: 1 }], false), undefined); // no calm run: fit the data
  assert.equal(ceilingOf(undefined, false), Infinity);
});

test("a diverged run: the axis from the calm run, its marker and label held under that ceiling", () => {
  const { data, layout } = lossFigure(calmAndDiverged(), OPTIONS, { title: "all", width: 1000 });
  assert.deepEqual(layout.yaxis.range, [0, 6]);
  const marker = data.find((d) => d.meta === undefined);
  assert.equal(marker.y[0], 6); // 4000 held at the ceiling
  assert.match(marker.name, /diverged at update 4/);
  const wild = layout.annotations.find((a) => a.text.includes("diverged"));
  assert.equal(wild.y, 6);
  assert.equal(layout.uirevision, "epochs-false-false-kept");
});

test("the same runs give the same figure whatever was drawn before (no hidden state)", () => {
  const tracks = calmAndDiverged();
  const alone = lossFigure([tracks[1]], OPTIONS, { title: "wild", width: 300, epochs: true });
  lossFigure(tracks, OPTIONS, { title: "all", width: 1000 });
  assert.deepEqual(lossFigure([tracks[1]], OPTIONS, { title: "wild", width: 300, epochs: true }), alone);
  assert.equal(alone.layout.yaxis.range, undefined); // a diverged run alone: fitted to its data
  assert.equal(alone.data.find((d) => d.meta === undefined).y[0], 4000);
});

test("every run trace carries meta.run and meta.series; the smoothed line reaches the last update", () => {
  const p = plan({ label: "v", nVal: 5 });
  const t = track(0, p, [3, 2, 1], { evals: [{ update: 0, epoch: 0, train_loss: 3, val_loss: 3.5 }] });
  const { data } = lossFigure([t], OPTIONS, { title: "all", width: 1000 });
  assert.deepEqual(data.map((d) => d.meta.series), ["loss", "smoothed", "train_eval", "val_eval"]);
  assert.ok(data.every((d) => d.meta.run === 0));
  const smoothed = data[1];
  assert.deepEqual(smoothed.customdata.at(-1), [3, 0.3]);
  assert.deepEqual(smoothed.x, [0.1, 0.2, 0.3]); // epochs: update / iterations per epoch
  assert.equal(smoothed.showlegend, true);
});

test("narrow charts drop the legend and break a diverged label; labels open towards the middle", () => {
  const { layout } = lossFigure(calmAndDiverged(), OPTIONS, { title: "all", width: 390 });
  assert.equal(layout.showlegend, false);
  assert.ok(layout.annotations.some((a) => a.text.includes("<br>diverged at update 4")));
  const labels = endLabels(calmAndDiverged(), OPTIONS, false, 6);
  assert.deepEqual(labels.map((a) => a.text), ["mini-batch · diverged at update 4", "full batch · 20 updates"]);
  assert.ok(labels.every((a) => a.xanchor === "left")); // both end before the middle of 20 updates
});

test("x in every unit; the text alternative lists each run", () => {
  const p = plan({ n: 100, b: 30, epochs: 2 }); // 4 updates an epoch, the last of 10 examples
  assert.equal(xAt(p, {}, 4, "epochs"), 1);
  assert.equal(xAt(p, {}, 6, "examples"), 160);
  assert.equal(xAt(p, {}, 6, "updates"), 6);
  assert.equal(xAt(p, { seconds: 2, updates: 8 }, 4, "seconds"), 1);
  assert.equal(lastFinite(Float64Array.from([1, NaN, 2, NaN]), 4), 3);
  assert.equal(summary(calmAndDiverged()), "calm: 4 updates, final loss 1, completed; wild: 4 updates, final loss 4000, diverged at update 4");
});
