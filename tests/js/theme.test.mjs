import assert from "node:assert/strict";
import { test } from "node:test";
import { COLORS, DASHES, LEGEND_ROW_PX, MARGIN, NARROW_PX, isNarrow, runColor, runStyle } from "../../static/js/theme.js";
import { caseFile } from "./cases.mjs";

const SHARED = caseFile("constants");

test("each run has a colour and a dash, cycling past the palette", () => {
  assert.deepEqual(runStyle(0), { color: COLORS[0], dash: "solid" });
  assert.deepEqual(runStyle(1), { color: COLORS[1], dash: "dash" });
  assert.equal(runColor(COLORS.length), COLORS[0]);
  assert.equal(runStyle(DASHES.length).dash, DASHES[0]);
  for (let i = 0; i < 10; i++) assert.equal(runStyle(i).color, runColor(i)); // the table's swatch is the line's colour
});

test("narrow is a known width under the phone breakpoint; an unmeasured chart is not narrow", () => {
  assert.equal(isNarrow(390), true);
  assert.equal(isNarrow(NARROW_PX - 1), true);
  assert.equal(isNarrow(NARROW_PX), false);
  assert.equal(isNarrow(1000), false);
  assert.equal(isNarrow(0), false);
});

test("the margins and colours the server's picture copies (tests/cases/constants.json)", () => {
  assert.deepEqual(MARGIN, SHARED.margin);
  assert.deepEqual(COLORS, SHARED.colors);
});

test("a legend row's height, as the picture leaves room for it (tests/cases/constants.json)", () => {
  assert.equal(LEGEND_ROW_PX, SHARED.legend_row);
});
