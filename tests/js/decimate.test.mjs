import assert from "node:assert/strict";
import { test } from "node:test";
import { Decimator } from "../../static/js/decimate.js";

const series = (n, f = (i) => Math.sin(i / 3) * (i % 7)) => Float64Array.from({ length: n }, (_, i) => f(i));

test("while the buckets hold one value each, every value is kept", () => {
  const d = new Decimator(8);
  const v = series(8);
  d.update(v, 8);
  assert.equal(d.size, 1);
  assert.deepEqual(d.envelope(), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(d.means().map(([end]) => end), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test("long series: at most max buckets, each bucket's min and max in order", () => {
  const v = series(1000);
  const d = new Decimator(16);
  d.update(v, 1000);
  assert.ok(d.buckets <= 16 && d.buckets >= 8, `${d.buckets}`);
  for (let b = 0; b < d.buckets; b++) {
    const start = b * d.size, end = d.end(b);
    const slice = Array.from(v.subarray(start, end));
    assert.equal(v[d.lo[b]], Math.min(...slice));
    assert.equal(v[d.hi[b]], Math.max(...slice));
    assert.ok(Math.abs(d.sum[b] / d.count[b] - slice.reduce((a, x) => a + x, 0) / slice.length) < 1e-12);
  }
  const env = d.envelope();
  assert.ok(env.length <= 32);
  assert.deepEqual(env, [...env].sort((a, b) => a - b));
  assert.equal(d.end(d.buckets - 1), 1000); // the last bucket reaches the last value
});

test("appending in pieces gives what one update gives", () => {
  const v = series(777);
  const whole = new Decimator(20);
  whole.update(v, 777);
  const pieces = new Decimator(20);
  for (const n of [1, 5, 40, 41, 300, 777]) pieces.update(v, n);
  for (const key of ["size", "lo", "hi", "sum", "count"]) assert.deepEqual(pieces[key], whole[key], key);
});

test("non-finite values are left out of min, max and mean; a bucket of none gives its first index", () => {
  const v = Float64Array.from([NaN, NaN, 3, NaN, Infinity, 1, NaN, NaN]);
  const d = new Decimator(4);
  d.update(v, 8);
  assert.equal(d.size, 2);
  assert.deepEqual(d.envelope(), [0, 2, 5, 6]);
  assert.deepEqual(d.means(), [[4, 3], [6, 1]]);
});
