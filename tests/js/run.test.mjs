import assert from "node:assert/strict";
import { test } from "node:test";
import { finalLosses } from "../../static/js/run.js";
import { cases } from "./cases.mjs";

test("the final losses are the server's (tests/cases/final_losses.json)", () => {
  for (const c of cases("final_losses")) {
    const evals = c.evals.map(([update, train, val]) => ({ update, train_loss: train, val_loss: val }));
    const got = finalLosses({ iterations_per_epoch: c.iterations_per_epoch }, { status: c.status, evals });
    assert.deepEqual(got, c.page ?? { train: c.train, val: c.val }, c.about);
  }
});
