import assert from "node:assert/strict";
import { test } from "node:test";
import { finalLosses, finalTrainLoss, lossX, maxFinite, minPositive, newRun, writeAt } from "../../static/js/run.js";
import { cases } from "./cases.mjs";
import { plan } from "./helpers.mjs";

test("a new run has room for every planned loss and nothing received", () => {
  const run = newRun(plan());
  assert.equal(run.loss.length, 20);
  assert.deepEqual([run.status, run.n, run.cosN, run.evals, run.path, run.boundary], ["pending", 0, 0, [], [], null]);
});

test("writeAt puts update k's value at k - 1, null as NaN, and returns the last update written", () => {
  const values = new Float64Array(6);
  assert.equal(writeAt(values, 1, [3, null]), 2);
  assert.equal(writeAt(values, 4, [0.5]), 4);
  assert.deepEqual(Array.from(values).map(String), ["3", "NaN", "0", "0.5", "0", "0"]);
});

test("maxFinite and minPositive look at the first n values only, skipping what does not count", () => {
  const values = Float64Array.from([2, NaN, Infinity, 0, -1, 0.5, 100]);
  assert.equal(maxFinite(values, 6), 2);
  assert.equal(maxFinite(values, 7), 100);
  assert.equal(maxFinite(values, 0), -Infinity);
  assert.equal(minPositive(values, 6), 0.5); // 0 and -1 have no place on a log axis
  assert.equal(minPositive(values, 1), 2);
  assert.equal(minPositive(values, 0), Infinity);
});

test("update u's loss stands where the weights after u - 1 updates do", () => {
  const p = plan({ n: 100, b: 10 }); // 10 updates per epoch
  assert.equal(lossX(p, {}, 1, "updates"), 0);
  assert.equal(lossX(p, {}, 11, "epochs"), 1);
  assert.equal(lossX(p, {}, 11, "examples"), 100);
  assert.equal(lossX(p, { seconds: 2, updates: 20 }, 11, "seconds"), 1);
});

test("the final training loss is the last epoch end's, none for a diverged run", () => {
  const p = plan({ n: 100, b: 10 });
  const evals = [{ update: 10, train_loss: 1, val_loss: null }, { update: 15, train_loss: 0.9, val_loss: null }];
  assert.equal(finalTrainLoss(p, { status: "stopped", evals }), 1);
  assert.equal(finalTrainLoss(p, { status: "diverged", evals }), null);
});

test("the final losses are the server's (tests/cases/final_losses.json)", () => {
  for (const c of cases("final_losses")) {
    const evals = c.evals.map(([update, train, val]) => ({ update, train_loss: train, val_loss: val }));
    const got = finalLosses({ iterations_per_epoch: c.iterations_per_epoch }, { status: c.status, evals });
    assert.deepEqual(got, c.page ?? { train: c.train, val: c.val }, c.about);
  }
});
