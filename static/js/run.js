// One run's data as the stream delivers it (the store's actions are its only writers), and the
// pure questions views ask of it.

export function newRun(plan) {
  return { status: "pending", n: 0, loss: new Float64Array(plan.total_updates),
    cos: new Float64Array(0), cosN: 0, evals: [], path: [], boundary: null };
}

// losses (null for non-finite) of updates first, first + 1, ... (1-based) into values
export function writeAt(values, first, list) {
  for (let i = 0; i < list.length; i++) values[first - 1 + i] = list[i] === null ? NaN : list[i];
  return first - 1 + list.length;
}

// the last update (1-based) with a finite value, 0 if none
export function lastFinite(values, n) {
  let k = n;
  while (k > 0 && !Number.isFinite(values[k - 1])) k--;
  return k;
}

export function maxFinite(values, n) {
  let top = -Infinity;
  for (let i = 0; i < n; i++) if (values[i] > top && Number.isFinite(values[i])) top = values[i];
  return top;
}

export function minPositive(values, n) {
  let low = Infinity;
  for (let i = 0; i < n; i++) if (values[i] > 0 && values[i] < low) low = values[i];
  return low;
}

// x of the weights after m updates (an evaluation after m updates) in the chosen unit; seconds:
// the run's own compute time spread evenly over its updates (the prediction until it reports)
export function xAt(plan, run, m, mode) {
  const { iterations_per_epoch: ipe, batch_size: bs, n_train: n, total_updates: total } = plan;
  if (mode === "epochs") return m / ipe;
  if (mode === "examples") return Math.floor(m / ipe) * n + Math.min((m % ipe) * bs, n);
  if (mode === "seconds") return (m * (run.seconds ?? plan.predicted_seconds)) / (run.updates || total);
  return m;
}

// x of update u's loss (1-based): it was measured before the update, on the weights after u - 1
// updates, so a full-batch run's losses stand where its training evaluations do
export const lossX = (plan, run, u, mode) => xAt(plan, run, u - 1, mode);

// The final training (and validation) loss: the evaluation after the last completed epoch (the
// table's and /api/history's final_train_loss); null for a diverged run or before an epoch ends.
export function finalLosses(plan, run) {
  if (run.status === "diverged" || run.status === "failed") return { train: null, val: null }; // as the server: none
  const evals = run.evals || [];
  for (let i = evals.length - 1; i >= 0; i--) {
    const e = evals[i];
    if (e.update > 0 && e.update % plan.iterations_per_epoch === 0) return { train: e.train_loss, val: e.val_loss };
  }
  return { train: null, val: null };
}

export function finalTrainLoss(plan, run) {
  return finalLosses(plan, run).train;
}
