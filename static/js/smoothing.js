// TensorBoard's smoothing: a debiased exponential moving average that skips missing values.

// The weight a run is smoothed with: none for the full batch (its loss is exact), else the link's
// one weight for every run, else about one epoch's worth of updates (capped at 0.99).
export function smoothingWeight(plan, chosen) {
  if (plan.variant === "full-batch") return 0;
  if (chosen !== null && chosen !== undefined) return chosen;
  return Math.min(0.99, 1 - 1 / plan.iterations_per_epoch);
}

// Smooths a growing series incrementally: update() costs only the values added since the last
// call (a new weight starts over). NaN until the first finite value.
export class Smoother {
  constructor(capacity) {
    this.values = new Float64Array(capacity);
    this.weight = null;
    this.upTo = 0;
    this.ema = 0;
    this.count = 0;
  }

  update(source, n, weight) {
    if (weight !== this.weight) Object.assign(this, { weight, upTo: 0, ema: 0, count: 0 });
    for (let i = this.upTo; i < n; i++) {
      const v = source[i];
      if (Number.isFinite(v)) {
        this.ema = weight * this.ema + (1 - weight) * v;
        this.count += 1;
      }
      this.values[i] = this.count ? this.ema / (1 - weight ** this.count) : NaN;
    }
    this.upTo = Math.max(this.upTo, n);
    return this.values;
  }
}

// The whole series at once (what update() gives, for a finished list)
export function smooth(values, weight) {
  return Array.from(new Smoother(values.length).update(values, values.length, weight));
}
