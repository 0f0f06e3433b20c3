import assert from "node:assert/strict";
import { test } from "node:test";
import { endLabel, formatNumber, plain, secondsText, statusText } from "../../static/js/format.js";
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
  assert.equal(endLabel(plan({ n: 1000, b: 1, epochs: 20, variant: "sgd" })), "SGD · 20000 updates");
  assert.equal(endLabel(plan({ label: "lr=0.1" }), true), "lr=0.1 · 20 updates");
});

test("compute time: measured, live, else predicted", () => {
  const p = plan();
  assert.equal(secondsText(p, { seconds: 0.01234 }, 0), "0.012 s");
  assert.equal(secondsText(p, { started: 1000 }, 3500), "2.50 s");
  assert.equal(secondsText(p, {}, 0), "≈ 0.5 s predicted");
});
