// The settings grid, refusals marked on fields, link notices, the embed snippet, the table's
// counts and final losses, and numbers compared side by side (issue 19).
import assert from "node:assert/strict";
import { test } from "node:test";
import { plan } from "./helpers.mjs";
import { distinctNumbers, updatesCount } from "../../static/js/format.js";
import { answerText, tiedRuns, verdictText } from "../../static/js/lesson.js";
import { embedSnippet, linkNotices, parseQuery, spokenAs } from "../../static/js/query.js";
import { duplicateRun, fields, fixedSize, invalidMarks, removeRun, setValue, settingsGrid, sizeKey } from "../../static/js/schema.js";
import { finalLosses } from "../../static/js/run.js";

const PAGE = ["lang", "autoplay", "x", "logx", "logy", "smooth", "view", "lesson", "predict", "v"];
const SCHEMA = { properties: {
  dataset: { enum: ["linear", "digits"], default: "linear", "x-group": "data" },
  n_samples: { type: "integer", minimum: 2, default: 1000, "x-group": "data" },
  batch_norm: { type: "boolean", default: false, "x-group": "model" },
  batch_size: { anyOf: [{ const: "full" }, { type: "integer", minimum: 1 }], default: 32, "x-group": "runs" },
  learning_rate: { type: "number", exclusiveMinimum: 0, default: 0.01, "x-group": "runs" },
} };
const SPECS = fields(SCHEMA);
const DEFAULTS = Object.fromEntries(SPECS.map((s) => [s.key, s.default]));
const valueOf = (run, key) => run[key] ?? DEFAULTS[key];
const ORDER = ["runs", "data", "model"];

test("the grid: a key equal in every run is one shared row, a key that differs one control per run", () => {
  const runs = [{ batch_norm: "false" }, { batch_norm: "true" }];
  const grid = settingsGrid(SPECS, runs, new Set(), valueOf, ORDER);
  assert.deepEqual(grid.map((g) => g.group), ORDER);
  const rows = Object.fromEntries(grid.flatMap((g) => g.rows).map((r) => [r.spec.key, r]));
  assert.equal(rows.batch_norm.perRun, true);
  assert.deepEqual(rows.batch_norm.values, ["false", "true"]);
  assert.equal(rows.batch_size.perRun, false);
  assert.deepEqual(rows.batch_size.values, ["32", "32"]);
});

test("the grid: a key the user varies stays per run though equal; one run is never per run", () => {
  const runs = [{ batch_norm: "true" }, { batch_norm: "true" }];
  const rows = settingsGrid(SPECS, runs, new Set(["batch_norm"]), valueOf, ORDER).flatMap((g) => g.rows);
  assert.equal(rows.find((r) => r.spec.key === "batch_norm").perRun, true);
  const one = settingsGrid(SPECS, [{}], new Set(["batch_norm"]), valueOf, ORDER).flatMap((g) => g.rows);
  assert.ok(one.every((r) => !r.perRun));
});

test("real data sets: the size key and a fixed size read off the plan", () => {
  assert.equal(sizeKey(SPECS), "n_samples");
  const digits = { n_train: 1437, n_val: 360, config: { n_samples: 1000 } };
  assert.deepEqual(fixedSize(digits, "n_samples"), { n: 1797, train: 1437, val: 360 });
  assert.equal(fixedSize({ n_train: 800, n_val: 200, config: { n_samples: 1000 } }, "n_samples"), null);
});

test("refusals mark their fields: the bad run's control, every run's for a rule across keys", () => {
  const runs = [{ learning_rate: "0.1" }, { learning_rate: "abc" }];
  const marks = invalidMarks([{ key: "learning_rate", msg: "learning_rate='abc' (run 2): must be a number" }], runs, SPECS, valueOf);
  assert.deepEqual([...marks.learning_rate.runs], [1]);
  assert.deepEqual(marks.learning_rate.messages, ["learning_rate='abc' (run 2): must be a number"]);
  const mismatch = invalidMarks([{ key: "batch_size,learning_rate", msg: "comma lists must have the same length" }],
    [{ batch_size: "1", learning_rate: "0.1" }, { batch_size: "2", learning_rate: "" }], SPECS, valueOf);
  assert.deepEqual([...mismatch.batch_size.runs], [0, 1]);
  assert.deepEqual([...mismatch.learning_rate.runs], [1]); // the missing item
  assert.equal(invalidMarks([{ key: "query", msg: "x" }], [{}], SPECS, valueOf).query, undefined);
});

test("a link's lists go to the server as written, whatever their lengths", () => {
  assert.equal(parseQuery("?batch_size=1,2,3&learning_rate=0.1,0.2&lang=ja", PAGE).link, "batch_size=1,2,3&learning_rate=0.1,0.2");
});

test("unknown lesson, language or x axis in a link become notices", () => {
  const known = { lesson: ["batch_size"], lang: ["en", "ja"], x: ["epochs", "updates"] };
  assert.deepEqual(linkNotices({ lesson: "nope", lang: "xx", x: "foo", view: "bar" }, known).map((n) => [n.key, n.value]),
    [["lesson", "nope"], ["lang", "xx"], ["x", "foo"]]);
  assert.deepEqual(linkNotices({ lesson: "batch_size", lang: "ja", x: "updates" }, known), []);
  assert.equal(linkNotices({ x: "foo" }, known)[0].names, "epochs, updates");
});

test("the embed snippet keeps every page key, adds autoplay and names the comparison", () => {
  const page = { lesson: "batch_size", predict: "true", lang: "pt-BR", view: "loss,noise", x: "updates", logy: "true" };
  const html = embedSnippet("http://h", "dataset=linear&batch_size=full,1", page, PAGE, 'Lesson "A" & <b>');
  const src = html.match(/src="([^"]*)"/)[1].replace(/&amp;/g, "&");
  const keys = new URLSearchParams(src.split("?")[1]);
  for (const [k, v] of Object.entries(page)) assert.equal(keys.get(k), v, k);
  assert.equal(keys.get("autoplay"), "true");
  assert.ok(src.startsWith("http://h/embed?dataset=linear&batch_size=full,1&"));
  assert.match(html, /title="Lesson &quot;A&quot; &amp; &lt;b>"/);
});

test("compared numbers print with digits enough to tell them apart", () => {
  assert.deepEqual(distinctNumbers([0.262980, 0.262954]), ["0.26298", "0.26295"]);
  assert.deepEqual(distinctNumbers([0.5, 0.25, null]), ["0.5", "0.25", "—"]);
  assert.deepEqual(distinctNumbers([0.1, 0.1]), ["0.1", "0.1"]); // equal values: a tie, not more digits
  assert.deepEqual(distinctNumbers([1.23451e-5, 1.23459e-5]), ["1.2345e-5", "1.2346e-5"]);
});

test("updates: the planned total, or 'k of n' for a run that ended early", () => {
  const p = plan({ n: 100, b: 10, epochs: 150 });
  assert.equal(updatesCount(p, { status: "running" }), "1500");
  assert.equal(updatesCount(p, { status: "completed", updates: 1500 }), "1500");
  assert.equal(updatesCount(p, { status: "stopped", updates: 255 }), "255 of 1500"); // early stopping
  assert.equal(updatesCount(p, { status: "diverged", updates: 12 }), "12 of 1500");
  assert.equal(updatesCount(p, { status: "stopped", n: 40 }), "40 of 1500"); // stopped by the user mid-stream
});

test("final losses: the evaluation after the last completed epoch; none when diverged", () => {
  const p = plan({ n: 100, b: 10 }); // 10 updates per epoch
  const evals = [{ update: 0, train_loss: 3.4, val_loss: null }, { update: 10, train_loss: 1, val_loss: 2 },
    { update: 15, train_loss: 0.9, val_loss: 1.9 }];
  assert.deepEqual(finalLosses(p, { status: "stopped", evals }), { train: 1, val: 2 });
  assert.deepEqual(finalLosses(p, { status: "diverged", evals }), { train: null, val: null });
  assert.deepEqual(finalLosses(p, { status: "running", evals: evals.slice(0, 1) }), { train: null, val: null });
});

test("a verdict words the server's judgement, names its tie and prints the digits it says tell the runs apart", () => {
  const runs = [{ label: "a", status: "completed", final_train_loss: 0.262980 },
    { label: "b", status: "completed", final_train_loss: 0.262954 }, { label: "c", status: "completed", final_train_loss: 0.262954 }];
  const verdict = { answer: "lowest_train_loss", value: "1", text: "b", runs, digits: null, tied: [1, 2] };
  assert.deepEqual(tiedRuns(verdict), [1, 2]);
  assert.equal(verdictText({ ...verdict, right: true }), "Right: a tie between b, c. Measured: a: 0.26298; b: 0.262954; c: 0.262954");
  const apart = { ...verdict, runs: runs.slice(0, 2), digits: 5, tied: [1] };
  assert.deepEqual(tiedRuns(apart), []);
  assert.equal(verdictText({ ...verdict, right: false }), "Not quite: a tie between b, c. Measured: a: 0.26298; b: 0.262954; c: 0.262954");
  assert.match(verdictText({ ...apart, right: false }), /^Not quite: the answer is b\. .*a: 0\.26298; b: 0\.26295$/);
  assert.match(verdictText({ ...apart, right: true }), /^Right: b\. /); // the server's word, not the page's judgement
  // no prediction asked: the question, then the answer the runs gave
  assert.equal(answerText("Which is lowest?", apart), "Which is lowest? Answer: b. Measured: a: 0.26298; b: 0.26295");
  assert.equal(answerText("Which is lowest?", verdict), "Which is lowest? Answer: a tie between b, c. Measured: a: 0.26298; b: 0.262954; c: 0.262954");
});

test("a link's language alias is written back as the language the page is in", () => {
  assert.equal(spokenAs("zh", "zh-CN"), "zh-CN");
  assert.equal(spokenAs("ZH-hans", "zh-CN"), "zh-CN");
  assert.equal(spokenAs("pt", "pt-BR"), "pt-BR");
  assert.equal(spokenAs("ja", "ja"), "ja");
  assert.equal(spokenAs("xx", "en"), "xx"); // not this page's language: noticed, then left out
  assert.equal(spokenAs(undefined, "en"), undefined);
});

test("edits made one after another all stay: each acts on the runs as they are when it is made", () => {
  // a grid drawn late (a long run keeps the frames busy) still holds the link's runs; each edit
  // starts from the store's runs, so the batch size edited first survives the later edits
  const link = [{ batch_size: "full" }, { batch_size: "1" }, { batch_size: "100" }];
  let runs = setValue(link, "batch_size", 1, "2");
  runs = setValue(runs, "learning_rate", null, "0.005");
  runs = setValue(runs, "epochs", null, "30");
  assert.deepEqual(runs.map((r) => [r.batch_size, r.learning_rate, r.epochs]),
    [["full", "0.005", "30"], ["2", "0.005", "30"], ["100", "0.005", "30"]]);
  assert.deepEqual(link[1], { batch_size: "1" }); // never changed in place
  assert.deepEqual(setValue(link, "batch_size", 5, "2"), link); // a run no longer there: no change
});

test("a duplicated run comes after its original without its label; removing keeps one run", () => {
  const runs = [{ batch_size: "1", label: "a" }, { batch_size: "2", label: "b" }];
  assert.deepEqual(duplicateRun(runs, 0, 8), [{ batch_size: "1", label: "a" }, { batch_size: "1", label: "" },
    { batch_size: "2", label: "b" }]);
  assert.deepEqual(duplicateRun(runs, 1, 2), runs); // at the run limit
  assert.deepEqual(duplicateRun(runs, 4, 8), runs); // a run no longer there
  assert.deepEqual(removeRun(runs, 0), [{ batch_size: "2", label: "b" }]);
  assert.deepEqual(removeRun([runs[0]], 0), [runs[0]]);
  assert.deepEqual(removeRun(runs, 4), runs);
});
