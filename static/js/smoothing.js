// TensorBoard's smoothing: a debiased exponential moving average that skips missing values. On a
// log loss axis it averages log(loss) and draws exp of that (a geometric moving average): the
// average the eye sees on that axis, which cannot sit orders of magnitude above every loss it
// averages, as a linear one does while the loss falls by decades within the window.

// The weight a run is smoothed with: none for the full batch (its loss is exact), else the link's
// one weight for every run, else about one epoch's worth of updates (capped at 0.99).
export function smoothingWeight(plan, chosen) {
  if (plan.variant === "full-batch") return 0;
  if (chosen !== null && chosen !== undefined) return chosen;
  return Math.min(0.99, 1 - 1 / plan.iterations_per_epoch);
}

// Smooths a growing series incrementally: update() costs only the values added since the last
// call (a new weight or space starts over). NaN until the first finite value; with log, values
// that have no logarithm (<= 0) are skipped as missing ones are.
export class Smoother {
  constructor(capacity) {
    this.values = new Float64Array(capacity);
    this.weight = null;
    this.log = false;
    this.upTo = 0;
    this.ema = 0;
    this.count = 0;
  }

  update(source, n, weight, log = false) {
    if (weight !== this.weight || log !== this.log) Object.assign(this, { weight, log, upTo: 0, ema: 0, count: 0 });
    for (let i = this.upTo; i < n; i++) {
      const v = log ? Math.log(source[i]) : source[i]; // log of <= 0 is NaN or -Infinity: skipped
      if (Number.isFinite(v)) {
        this.ema = weight * this.ema + (1 - weight) * v;
        this.count += 1;
      }
      const mean = this.ema / (1 - weight ** this.count);
      this.values[i] = !this.count ? NaN : log ? Math.exp(mean) : mean;
    }
    this.upTo = Math.max(this.upTo, n);
    return this.values;
  }
}

// The whole series at once (what update() gives, for a finished list)
export function smooth(values, weight, log = false) {
  return Array.from(new Smoother(values.length).update(values, values.length, weight, log));
}
