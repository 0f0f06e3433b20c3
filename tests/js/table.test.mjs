import assert from "node:assert/strict";
import { test } from "node:test";
import { tableTexts } from "../../static/js/table.js";
import { plan } from "./helpers.mjs";

const ev = (update, train, val = null) => ({ update, train_loss: train, val_loss: val });
const fields = (columns) => columns.map(([, field]) => field);

test("the table's columns: no validation column where no run holds out data, the compute time on phones", () => {
  const { columns, cols } = tableTexts([plan({ label: "a" })], [{ status: "completed", updates: 20, seconds: 0.25, evals: [ev(20, 0.5)] }], 0);
  assert.deepEqual(fields(columns), ["label", "batch_size", "iterations_per_epoch", "epochs", "total_updates",
    "final_train_loss", "status", "seconds", "progress"]);
  assert.deepEqual(columns.filter(([, , phone]) => phone).map(([, field]) => field),
    ["label", "total_updates", "final_train_loss", "status", "seconds"]);
  assert.deepEqual(cols[0], { batch_size: 10, iterations_per_epoch: 10, epochs: 2, total_updates: "20",
    final_train_loss: "0.5", final_val_loss: "—", status: "completed", seconds: "0.250 s" });
});

test("with validation data its loss is a column, on phones in the compute time's place", () => {
  const plans = [plan({ label: "a", nVal: 10 }), plan({ label: "b" })];
  const { columns, cols } = tableTexts(plans, [{ status: "completed", evals: [ev(20, 0.5, 0.7)] }, {}], 0);
  assert.ok(fields(columns).includes("final_val_loss"));
  const phone = new Map(columns.map(([, field, on]) => [field, on]));
  assert.deepEqual([phone.get("final_val_loss"), phone.get("seconds")], [true, false]);
  assert.deepEqual([cols[0].final_val_loss, cols[1].final_val_loss], ["0.7", "—"]); // b holds out nothing
  assert.equal(cols[1].status, "waiting"); // no data yet
  assert.equal(cols[1].seconds, "≈ 0.5 s predicted");
});

test("losses printed side by side get the digits that tell them apart", () => {
  const plans = [plan({ label: "a" }), plan({ label: "b" })];
  const { cols } = tableTexts(plans, [{ status: "completed", evals: [ev(20, 0.262980)] },
    { status: "completed", evals: [ev(20, 0.262954)] }], 0);
  assert.deepEqual(cols.map((c) => c.final_train_loss), ["0.26298", "0.26295"]);
});

test("while a prediction is asked, whatever would answer it reads '?'", () => {
  const done = { status: "diverged", updates: 12, seconds: 0.1, evals: [] };
  const { cols } = tableTexts([plan()], [done], 0, true);
  for (const key of ["iterations_per_epoch", "total_updates", "final_train_loss", "final_val_loss", "status", "seconds"]) {
    assert.equal(cols[0][key], "?", key);
  }
  assert.deepEqual([cols[0].batch_size, cols[0].epochs], [10, 2]); // the question's own numbers stay
});
