import assert from "node:assert/strict";
import { test } from "node:test";
import { Store, predictionPending } from "../../static/js/store.js";
import { shownIn } from "../../static/js/views.js";
import { plan } from "./helpers.mjs";

function started() {
  const store = new Store({ runs: [{ batch_size: "full" }, { batch_size: "1" }], page: {}, lesson: null, options: {} });
  const changes = [];
  store.subscribe((change) => changes.push(change));
  const p = { query: "q", runs: [plan({ b: 100, variant: "full-batch" }), plan({ b: 10 })].map((r, i) =>
    ({ ...r, config: { batch_size: i ? 10 : "full", noise: null, shuffle: true } })) };
  store.planned(p, true);
  return { store, changes };
}

test("a plan of a link's runs gives each run the server's values, then a stream starts", () => {
  const { store, changes } = started();
  assert.deepEqual(changes.map((c) => c.type), ["runs", "start"]);
  assert.deepEqual(store.state.runs[1], { batch_size: "10", noise: "", shuffle: "true" });
  assert.equal(store.state.query, "q");
  assert.deepEqual(store.state.results.map((r) => r.status), ["pending", "pending"]);
});

test("events land in one copy of each run's data and name the run they changed", () => {
  const { store, changes } = started();
  store.points({ run: 1, first_update: 1, loss: [3, null, 1], grad_cosine: [0.5, null, 1] }, 100);
  store.points({ run: 1, first_update: 4, loss: [0.5], grad_cosine: null }, 200);
  store.evaluated({ run: 1, update: 10, epoch: 1, train_loss: 0.4, val_loss: null });
  store.done({ run: 1, status: "diverged", updates: 4, seconds: 0.25 });
  const run = store.state.results[1];
  assert.equal(run.n, 4);
  assert.ok(Number.isNaN(run.loss[1]));
  assert.deepEqual(Array.from(run.cos.subarray(0, 3)).map(String), ["0.5", "NaN", "1"]);
  assert.equal(run.started, 100);
  assert.equal(run.trainLoss, 0.4);
  assert.deepEqual([run.status, run.updates, run.seconds], ["diverged", 4, 0.25]);
  assert.deepEqual(changes.slice(2).map((c) => `${c.type}:${c.run}`), ["points:1", "points:1", "eval:1", "done:1"]);
  assert.equal(store.state.results[0].status, "pending");
});

test("stop marks unfinished runs stopped, timed up to now", () => {
  const { store } = started();
  store.points({ run: 0, first_update: 1, loss: [1], grad_cosine: null }, 1000);
  store.done({ run: 1, status: "completed", updates: 20, seconds: 0.1 });
  store.stopped(3000);
  assert.deepEqual(store.state.results.map((r) => [r.status, r.seconds]), [["stopped", 2], ["completed", 0.1]]);
});

test("an edit forgets the prediction and its verdict; choosing and judging say what they changed", () => {
  const { store, changes } = started();
  store.choose("1");
  store.judged({ value: "1" });
  assert.equal(store.state.choice, "1");
  store.editRuns([{ batch_size: "5" }]);
  assert.equal(store.state.choice, null);
  assert.equal(store.state.verdict, null);
  assert.deepEqual(changes.slice(-3).map((c) => c.type), ["asking", "verdict", "runs"]);
  store.planned({ query: "q2", runs: [{ ...plan(), config: { batch_size: 5 } }] }, false);
  assert.deepEqual(store.state.runs, [{ batch_size: "5" }]); // edited runs stay as the user wrote them
});

test("page keys and options are set only through actions", () => {
  const { store, changes } = started();
  store.setPage("x", "updates");
  store.setOptions({ mode: "updates" });
  store.setPage("x", undefined);
  assert.deepEqual(store.state.page, {});
  assert.equal(store.state.options.mode, "updates");
  assert.deepEqual(changes.slice(-3).map((c) => c.type), ["page", "options", "page"]);
});

test("predict: asking keeps the answer until a choice is made, and an edit does not ask again", () => {
  const { store, changes } = started();
  assert.equal(store.state.asking, false);
  store.ask();
  assert.equal(store.state.asking, true);
  store.editRuns([{ batch_size: "5" }]);
  assert.equal(store.state.asking, true); // still unanswered
  store.choose("0");
  assert.equal(store.state.asking, false);
  store.editRuns([{ batch_size: "6" }]);
  assert.equal(store.state.asking, false);
  assert.deepEqual(changes.filter((c) => c.type === "asking").length, 2);
});

test("predictionPending is the store's one answer to 'is a question open?' (views read it)", () => {
  const { store } = started();
  assert.equal(predictionPending(store.state), false);
  store.ask();
  assert.equal(predictionPending(store.state), true);
  store.choose("1");
  assert.equal(predictionPending(store.state), false);
});

test("the lesson's changes are apart: the card, the question and the verdict", () => {
  const { store, changes } = started();
  store.pickLesson({ name: "batch_size" });
  store.ask();
  store.choose("1");
  store.judged({ value: "1", right: true });
  assert.deepEqual(changes.slice(2).map((c) => c.type), ["page", "lesson", "asking", "asking", "verdict"]);
  assert.equal(store.state.page.lesson, "batch_size");
});

test("a batch of points says whether gradient cosines came with it", () => {
  const { store, changes } = started();
  store.points({ run: 0, first_update: 1, loss: [1], grad_cosine: null }, 0);
  store.points({ run: 0, first_update: 2, loss: [1], grad_cosine: [0.5] }, 0);
  assert.deepEqual(changes.slice(2).map((c) => c.cosines), [false, true]);
});

test("the views redraw for their own data only: no cosines, no noise redraw; a verdict redraws none", () => {
  assert.deepEqual(shownIn({ type: "points", run: 0, cosines: false }), []);
  assert.deepEqual(shownIn({ type: "points", run: 0, cosines: true }), ["noise"]);
  assert.deepEqual(shownIn({ type: "stopped" }), ["noise"]); // a stopped run's reason for no cosines
  assert.deepEqual(shownIn({ type: "asking" }), ["landscape", "fit", "noise", "overfit"]);
  for (const type of ["verdict", "lesson", "message"]) assert.deepEqual(shownIn({ type }), []);
});
