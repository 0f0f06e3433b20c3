import assert from "node:assert/strict";
import { test } from "node:test";
import { setStrings, t } from "../../static/js/i18n.js";

setStrings({ hello: "Hello, {name}: {n} of {n}", plain: "Stop" });

test("t fills each {name} it is given, every time it appears", () => {
  assert.equal(t("hello", { name: "Ada", n: 3 }), "Hello, Ada: 3 of 3");
  assert.equal(t("hello", { name: "", n: 0 }), "Hello, : 0 of 0"); // falsy values are values
  assert.equal(t("plain"), "Stop");
});

test("a variable not given stays as written; a missing key is the key itself", () => {
  assert.equal(t("hello", { name: "Ada" }), "Hello, Ada: {n} of {n}");
  assert.equal(t("no_such_key"), "no_such_key");
});
