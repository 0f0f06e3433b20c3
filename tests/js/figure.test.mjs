import assert from "node:assert/strict";
import { test } from "node:test";
import { Decimator } from "../../static/js/decimate.js";
import { endLabels, endMarks, fitLabel, labelColumns, lossFigure, summary } from "../../static/js/figure.js";
import { textUnits } from "../../static/js/format.js";
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
  const wild = layout.annotations.findIndex((a) => a.text.includes("diverged"));
  assert.ok(layout.annotations[wild].y < 6); // the label under the ceiling, its leader from the held end
  assert.equal(layout.shapes[wild].y0, 6);
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
  const runs = data.filter((d) => d.meta);
  assert.deepEqual(runs.map((d) => d.meta.series), ["loss", "smoothed", "train_eval", "val_eval"]);
  assert.ok(runs.every((d) => d.meta.run === 0));
  const smoothed = runs[1];
  assert.deepEqual(smoothed.customdata.at(-1), [3, 0.2]); // update 3, measured after 2 updates
  assert.deepEqual(smoothed.x, [0, 0.1, 0.2]); // update u's loss at (u - 1) / iterations per epoch
  assert.equal(smoothed.showlegend, true);
  // the legend's key to the styles: helper traces, no meta, drawn nowhere
  const key = data.filter((d) => !d.meta);
  assert.deepEqual(key.map((d) => d.name), ["mini-batch loss", "training loss", "validation loss"]);
  assert.ok(key.every((d) => d.x.every((x) => x === null) && d.showlegend !== false));
});

// a full-batch run of 4 epochs: 1 update an epoch, evaluated before training and after each epoch
function fullBatch() {
  const p = plan({ n: 100, b: 100, epochs: 4, variant: "full-batch", label: "full" });
  const evals = [4, 3, 2, 1, 0.5].map((v, e) => ({ update: e, epoch: e, train_loss: v, val_loss: null }));
  return track(0, p, [4, 3, 2, 1], { evals });
}

test("a full-batch run draws one curve: its losses stand where its training evaluations do", () => {
  for (const mode of ["epochs", "updates", "examples", "seconds"]) {
    const { data } = lossFigure([fullBatch()], { ...OPTIONS, mode }, { title: "all", width: 1000 });
    const series = Object.fromEntries(data.filter((d) => d.meta).map((d) => [d.meta.series, d]));
    assert.deepEqual(Object.keys(series), ["loss", "train_eval"]); // never smoothed
    assert.deepEqual(series.loss.x, series.train_eval.x.slice(0, 4), mode);
    assert.deepEqual(series.loss.y, series.train_eval.y.slice(0, 4), mode);
    assert.equal(series.loss.showlegend, true);
    assert.match(series.loss.name, /full · loss/);
    assert.ok(!data.some((d) => /smoothed/.test(d.name)));
    assert.ok(!data.some((d) => d.name === "mini-batch loss")); // no faint line to key
  }
  const { data } = lossFigure([fullBatch()], { ...OPTIONS, mode: "examples" }, { title: "all", width: 1000 });
  assert.deepEqual(data[0].x, [0, 100, 200, 300]); // (u - 1) x batch size
});

test("log x leaves out x = 0: no point there and no line drawn towards it", () => {
  const p = plan({ n: 100, b: 50, epochs: 2, nVal: 5 });
  const evals = [0, 2, 4].map((u) => ({ update: u, epoch: u / 2, train_loss: 1, val_loss: 2 }));
  const t = track(0, p, [4, 3, 2, 1], { evals });
  for (const mode of ["epochs", "updates", "examples", "seconds"]) {
    const { data, layout } = lossFigure([t], { ...OPTIONS, mode, logX: true }, { title: "all", width: 1000 });
    assert.equal(layout.xaxis.type, "log");
    for (const d of data.filter((d) => d.meta)) {
      assert.ok(d.x.length > 0 && d.x.every((x) => x > 0), `${mode} ${d.meta.series} ${d.x}`);
      assert.equal(d.x.length, d.customdata.length);
    }
    assert.ok(layout.annotations.every((a) => Number.isFinite(a.x)));
  }
  const { data } = lossFigure([fullBatch()], { ...OPTIONS, logX: true }, { title: "all", width: 1000 });
  assert.deepEqual(data[0].x, [1, 2, 3]);
  assert.deepEqual(data[0].customdata[0], [2, 1]); // update 2, after 1 epoch
});

test("an early-stopped run's end label says so, at the end of its line", () => {
  const p = plan({ n: 50, b: 10, epochs: 300, variant: "sgd", label: "patience=50" }); // 1500 planned
  const losses = Array.from({ length: 255 }, (_, i) => 1 / (i + 1));
  const stopped = track(1, p, losses, { status: "stopped", updates: 255 });
  const done = track(0, plan({ n: 50, b: 10, epochs: 300, variant: "sgd", label: "no patience" }), losses.concat(losses));
  const labels = endLabels([done, stopped], OPTIONS, false);
  const label = labels.find((a) => a.text.includes("stopped"));
  assert.equal(label.text, "patience=50 · 255 of 1500 updates · stopped at epoch 51");
  assert.equal(label.x, 254 / 5);
  assert.ok(endLabels([done, stopped], OPTIONS, true).some((a) => a.text.endsWith("updates<br>stopped at epoch 51")));
  assert.match(summary([stopped]), /^patience=50: 255 of 1500 updates, stopped at epoch 51, final training loss —$/);
});

test("narrow charts drop the legend and break a diverged label; labels open towards the middle", () => {
  const { layout } = lossFigure(calmAndDiverged(), OPTIONS, { title: "all", width: 390 });
  assert.equal(layout.showlegend, false);
  assert.ok(layout.annotations.some((a) => a.text.includes("<br>diverged at update 4")));
  const labels = endLabels(calmAndDiverged(), OPTIONS, false, 6);
  assert.deepEqual(labels.map((a) => a.text), ["mini-batch · diverged at update 4", "full batch · 20 updates"]);
  assert.ok(labels.every((a) => a.xanchor === "left")); // both end before the middle of 20 updates
});

// four runs ending close together on a log axis (0.018, 4e-7, 1e-8, 1e-5), or on a linear one
test("end labels keep at least their height in pixels apart on log and linear axes", () => {
  const ends = [0.018, 4e-7, 1e-8, 1e-5];
  const tracks = ends.map((end, i) => track(i, plan({ label: `momentum ${i}` }), [10, 1, end * 2, end]));
  for (const logY of [true, false]) {
    for (const plotPx of [120, 300]) {
      const { labels, leaders } = endMarks(tracks, { ...OPTIONS, logY }, false, { plotPx });
      const [lo, hi] = logY ? [Math.log10(1e-8), 1] : [0, 10]; // the data's span, as the axis autoranges it
      const px = labels.map((a) => ((a.y - lo) / (hi - lo)) * plotPx).sort((a, b) => b - a);
      for (let i = 1; i < px.length; i++) assert.ok(px[i - 1] - px[i] >= 11 * 1.3 + 6 - 1e-9, `${logY} ${plotPx}: ${px}`);
      assert.ok(labels.every((a) => a.showarrow === false));
      // each leader joins its run's end (data values, also on a log axis) to its label, thin, grey and dotted
      leaders.forEach((l, i) => {
        assert.equal(l.y1, logY ? 10 ** labels[i].y : labels[i].y);
        assert.deepEqual(l.line, { color: "#555", width: 1, dash: "dot" });
      });
      assert.deepEqual(leaders.map((l) => l.y0).sort((a, b) => b - a), [...ends].sort((a, b) => b - a));
    }
  }
});

test("x in every unit; the text alternative lists each run", () => {
  const p = plan({ n: 100, b: 30, epochs: 2 }); // 4 updates an epoch, the last of 10 examples
  assert.equal(xAt(p, {}, 4, "epochs"), 1);
  assert.equal(xAt(p, {}, 6, "examples"), 160);
  assert.equal(xAt(p, {}, 6, "updates"), 6);
  assert.equal(xAt(p, { seconds: 2, updates: 8 }, 4, "seconds"), 1);
  assert.equal(lastFinite(Float64Array.from([1, NaN, 2, NaN]), 4), 3);
  const runs = calmAndDiverged();
  runs[0].run.evals = [{ update: 10, epoch: 1, train_loss: 2.5, val_loss: null }, { update: 15, epoch: 1.5, train_loss: 2, val_loss: null }];
  assert.equal(summary(runs), "calm: 20 updates, completed, final training loss 2.5; wild: 4 of 20 updates, diverged at update 4, final training loss —");
});

test("train_eval marks the epoch-end evaluations only, not the mid-epoch ones of long epochs", () => {
  const p = plan({ n: 100, b: 10, epochs: 2 }); // 10 updates per epoch
  const evals = [0, 4, 10, 14, 20].map((update) => ({ update, train_loss: 1 / (update + 1), val_loss: null }));
  const runs = [track(0, p, Array.from({ length: 20 }, (_, k) => 1 / (k + 1)), { evals })];
  const { data } = lossFigure(runs, OPTIONS, { title: "all", width: 1000 });
  const marks = data.find((d) => d.meta && d.meta.series === "train_eval");
  assert.deepEqual(marks.x, [0, 1, 2]); // epochs 0, 1, 2: updates 4 and 14 left out
});

test("a label wider than a narrow plot is wrapped to it: name and count on lines of their own", () => {
  assert.equal(fitLabel("SGD · 20000 updates", 40), "SGD · 20000 updates");
  assert.equal(fitLabel("momentum=0.9, nesterov=true, decay=0.01 · 160 updates", 43),
    "momentum=0.9, nesterov=true, decay=0.01<br>160 updates");
  assert.equal(fitLabel("momentum=0.9, nesterov=true, decay=0.01 · 160 updates", 30),
    "momentum=0.9, nesterov=true,<br>decay=0.01 · 160 updates");
  assert.equal(fitLabel("バッチサイズ=1 · 更新 20000 回", 16), "バッチサイズ=1<br>更新 20000 回"); // CJK counts two
  const names = ["momentum=0, nesterov=false, decay=0", "momentum=0.9, nesterov=true, decay=0.01"];
  const tracks = names.map((label, i) => track(i, plan({ label, variant: "mini-batch" }), [4, 3, 2, 1]));
  for (const width of [320, 366]) {
    const { layout } = lossFigure(tracks, OPTIONS, { title: "all", width, height: 300 });
    for (const label of layout.annotations) {
      for (const line of label.text.split("<br>")) assert.ok(textUnits(line) <= labelColumns(width, 10), line);
    }
  }
  const phone = lossFigure(tracks, OPTIONS, { title: "all", width: 320, height: 300 }).layout.annotations;
  assert.ok(phone.some((a) => a.text.includes("<br>"))); // 53 characters do not fit across 255 px
  const wide = lossFigure(tracks, OPTIONS, { title: "all", width: 1000, height: 400 }).layout.annotations;
  assert.ok(wide.every((a) => !a.text.includes("<br>"))); // a wide chart keeps each label on one line
});
