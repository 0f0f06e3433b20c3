// The one incremental decimator. A series is kept as at most `max` buckets of `size` consecutive
// values (size doubles as the series grows); each bucket holds the index of its smallest and of
// its largest finite value and the sum and count of its finite values. Appending costs only the
// new values, and a draw reads at most `max` buckets however long the run.
import { MAX_BUCKETS } from "./theme.js";

export class Decimator {
  constructor(max = MAX_BUCKETS) {
    this.max = max;
    this.size = 1;
    this.n = 0;
    this.lo = [];
    this.hi = [];
    this.sum = [];
    this.count = [];
  }

  // values[0..n) are known now (values only grow at the end, as the stream sends them)
  update(values, n) {
    for (let i = this.n; i < n; i++) this.add(values, i);
    this.n = Math.max(this.n, n);
  }

  add(values, i) {
    let b = Math.floor(i / this.size);
    while (b >= this.max) {
      this.halve(values);
      b = Math.floor(i / this.size);
    }
    if (b === this.lo.length) {
      this.lo.push(-1); this.hi.push(-1); this.sum.push(0); this.count.push(0);
    }
    const v = values[i];
    if (!Number.isFinite(v)) return;
    if (this.lo[b] < 0 || v < values[this.lo[b]]) this.lo[b] = i;
    if (this.hi[b] < 0 || v > values[this.hi[b]]) this.hi[b] = i;
    this.sum[b] += v;
    this.count[b] += 1;
  }

  // merge neighbouring buckets: the size doubles, the count halves
  halve(values) {
    const pick = (a, b, better) => (a < 0 ? b : b < 0 ? a : better(values[b], values[a]) ? b : a);
    const half = Math.ceil(this.lo.length / 2);
    for (let j = 0; j < half; j++) {
      const a = 2 * j, b = 2 * j + 1 < this.lo.length ? 2 * j + 1 : -1;
      const get = (list, fallback) => (b < 0 ? fallback : list[b]);
      this.lo[j] = pick(this.lo[a], get(this.lo, -1), (x, y) => x < y);
      this.hi[j] = pick(this.hi[a], get(this.hi, -1), (x, y) => x > y);
      this.sum[j] = this.sum[a] + get(this.sum, 0);
      this.count[j] = this.count[a] + get(this.count, 0);
    }
    for (const list of [this.lo, this.hi, this.sum, this.count]) list.length = half;
    this.size *= 2;
  }

  get buckets() {
    return this.lo.length;
  }

  // one past the last index of bucket b
  end(b) {
    return Math.min(this.n, (b + 1) * this.size);
  }

  // indices of the noise envelope: each bucket's smallest and largest value in the order they
  // came (every value while buckets hold one; a bucket of no finite value gives its first)
  envelope() {
    const out = [];
    for (let b = 0; b < this.lo.length; b++) {
      const lo = this.lo[b], hi = this.hi[b];
      if (this.size === 1 || lo < 0) out.push(b * this.size);
      else if (lo === hi) out.push(lo);
      else out.push(Math.min(lo, hi), Math.max(lo, hi));
    }
    return out;
  }

  // [end, mean of the finite values] of each bucket that has any
  means() {
    const out = [];
    for (let b = 0; b < this.lo.length; b++) if (this.count[b]) out.push([this.end(b), this.sum[b] / this.count[b]]);
    return out;
  }
}
