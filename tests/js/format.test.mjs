import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { setStrings } from "../../static/js/i18n.js";
import { caseFile, cases } from "./cases.mjs";
import { HOVER, distinctNumbers, endLabel, formatNumber, plain, secondsText, smoothingText, statusText, updatesCount, wrapText } from "../../static/js/format.js";
import { plan } from "./helpers.mjs";

test("numbers: four significant digits, exponents for the very large and small, a dash for none", () => {
  assert.equal(formatNumber(0.123456), "0.1235");
  assert.equal(formatNumber(12.5), "12.5");
  assert.equal(formatNumber(0), "0");
  assert.equal(formatNumber(123456), "1.23e+5");
  assert.equal(formatNumber(0.0001234), "1.23e-4");
  for (const none of [null, undefined, NaN]) assert.equal(formatNumber(none), "—");
  assert.equal(formatNumber(0.123456, 2), "0.12");
});

test("status text is built one way: pending by default, the update a run diverged at", () => {
  assert.equal(statusText({}), "waiting");
  assert.equal(statusText({ status: "running" }), "running");
  assert.equal(statusText({ status: "completed" }), "completed");
  assert.equal(statusText({ status: "diverged", updates: 87 }), "diverged at update 87");
});

test("labels stay text in Plotly; end labels name the variant, or the run where variants repeat", () => {
  assert.equal(plain("<b>a & b</b>"), "&lt;b&gt;a &amp; b&lt;/b&gt;");
  const sgd = plan({ n: 1000, b: 1, epochs: 20, variant: "sgd" });
  assert.equal(endLabel(sgd), "SGD · 20000 updates");
  assert.equal(endLabel(sgd, { status: "running", n: 50 }), "SGD · 20000 updates"); // the plan while it runs
  assert.equal(endLabel(plan({ label: "lr=0.1" }), { status: "completed", updates: 20 }, true), "lr=0.1 · 20 updates");
});

// the overfitting lesson's early-stopped run: 5 updates an epoch, 300 epochs planned
const early = plan({ n: 50, b: 10, epochs: 300, variant: "sgd" });

test("a run that ended early says what happened, in one wording for chart, text and table", () => {
  const stopped = { status: "stopped", updates: 255 };
  assert.equal(statusText(stopped, early), "stopped at epoch 51");
  assert.equal(statusText(stopped), "stopped"); // without its plan: the word only
  assert.equal(endLabel(early, stopped), "SGD · 255 of 1500 updates · stopped at epoch 51");
  assert.equal(updatesCount(early, stopped), "255 of 1500");
  // stopped by the user mid-epoch: the updates the stream brought
  const byUser = { status: "stopped", n: 257 };
  assert.equal(endLabel(early, byUser), "SGD · 257 of 1500 updates · stopped at update 257");
  // diverged: where, never a planned count it did not reach
  const wild = { status: "diverged", updates: 12 };
  assert.equal(endLabel(plan({ n: 1000, b: 32, epochs: 20 }), wild), "mini-batch · diverged at update 12");
  assert.equal(updatesCount(plan({ n: 1000, b: 32, epochs: 20 }), wild), "12 of 640");
  // completed and waiting runs count their plan
  assert.equal(updatesCount(early, { status: "completed", updates: 1500 }), "1500");
  assert.equal(updatesCount(early), "1500");
  assert.equal(statusText({ status: "stopped", updates: 1500 }, early), "stopped");
});

test("compute time: measured, live, else predicted", () => {
  const p = plan();
  assert.equal(secondsText(p, { seconds: 0.01234 }, 0), "0.012 s");
  assert.equal(secondsText(p, { started: 1000 }, 3500), "2.50 s");
  assert.equal(secondsText(p, {}, 0), "≈ 0.5 s predicted");
});

test("a chart's message wraps at spaces, CJK anywhere, each line within its width", () => {
  const lines = wrapText("Make your prediction first: the curves appear once you have chosen an answer.", 30);
  assert.deepEqual(lines, ["Make your prediction first:", "the curves appear once you", "have chosen an answer."]);
  const ja = wrapText("まず予想してください。答えを選ぶと曲線が表示されます。", 20);
  assert.ok(ja.length === 3 && ja.every((l) => [...l].length <= 10), ja); // two units a character
  assert.equal(ja.join(""), "まず予想してください。答えを選ぶと曲線が表示されます。");
  assert.deepEqual(wrapText("", 10), []);
});

test("hover formats and the smoothing weight are written one way", () => {
  assert.deepEqual(HOVER, { loss: ".5g", epoch: ".3f", weight: ".4f" });
  assert.equal(smoothingText(0.9), "0.90");
  assert.equal(smoothingText(0), "0.00");
});

test("the status line's words are the statuses' own", () => {
  assert.equal(statusText({ status: "stopped" }), "stopped");
  assert.equal(statusText({ status: "completed" }), "completed");
});

test("numbers print as the server prints them (tests/cases/numbers.json)", () => {
  for (const c of cases("numbers")) assert.equal(formatNumber(c.x, c.digits), c.text, c.about);
});

test("a verdict's digits tell its numbers apart on the page, as the table does (tests/cases/numbers.json)", () => {
  for (const c of caseFile("numbers").distinct) {
    const texts = c.values.map((x) => formatNumber(x, c.digits ?? 6));
    assert.deepEqual(texts, c.texts, c.about);
    if (c.digits !== null) {
      assert.equal(new Set(texts).size, texts.length, c.about);
      assert.deepEqual(distinctNumbers(c.values, c.least), c.texts, c.about);
    }
  }
});

test("end labels as the server's picture words them, in four languages (tests/cases/end_labels.json)", () => {
  const table = JSON.parse(readFileSync(new URL("../../app/i18n/strings.json", import.meta.url), "utf-8"));
  try {
    for (const c of cases("end_labels")) {
      setStrings(Object.fromEntries(Object.entries(table).map(([key, langs]) => [key, langs[c.lang]])));
      assert.equal(endLabel(c.plan, c.run, c.named), c.label, c.about);
    }
  } finally {
    setStrings(Object.fromEntries(Object.entries(table).map(([key, langs]) => [key, langs.en])));
  }
});
