import assert from "node:assert/strict";
import { test } from "node:test";
import { COLORS, DASHES, NARROW_PX, isNarrow, runColor, runStyle } from "../../static/js/theme.js";

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
