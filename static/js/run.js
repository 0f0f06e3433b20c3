// One run's data as the stream delivers it (the store's actions are its only writers), and the
// pure questions views ask of it.

export function newRun(plan) {
  return { status: "pending", received: 0, n: 0, loss: new Float64Array(plan.total_updates),
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

// x of update k (1-based) in the chosen unit; seconds: the run's own compute time spread evenly
// over its updates (the prediction until the run reports its time)
export function xAt(plan, run, k, mode) {
  const { iterations_per_epoch: ipe, batch_size: bs, n_train: n, total_updates: total } = plan;
  if (mode === "epochs") return k / ipe;
  if (mode === "examples") return Math.floor(k / ipe) * n + Math.min((k % ipe) * bs, n);
  if (mode === "seconds") return (k * (run.seconds ?? plan.predicted_seconds)) / (run.updates || total);
  return k;
}
