import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { COLORS, MARGIN } from "../../static/js/theme.js";
import { caseFile } from "./cases.mjs";

const SHARED = caseFile("constants");

test("the margins and colours the server's picture copies (tests/cases/constants.json)", () => {
  assert.deepEqual(MARGIN, SHARED.margin);
  assert.deepEqual(COLORS, SHARED.colors);
});

test("a legend row's height, as the picture leaves room for it (tests/cases/constants.json)", () => {
  // a literal inside lossFigure, so read off its source
  const source = readFileSync(new URL("../../static/js/figure.js", import.meta.url), "utf-8");
  assert.match(source, new RegExp(`- ${SHARED.legend_row} \\* legendRows`));
});
