// The one rule for loss axes: with a diverged run, every loss axis comes from the runs that did
// not diverge (their largest loss times HEADROOM), so a run that blew up cannot flatten the
// others. Without one, Plotly fits the data.
import { HEADROOM } from "./theme.js";

// runs: [{diverged, top (largest finite loss), low (smallest positive loss)}]; undefined: autorange
export function calmRange(runs, logY) {
  const calm = runs.filter((r) => !r.diverged && Number.isFinite(r.top));
  if (!runs.some((r) => r.diverged) || !calm.length) return undefined;
  const top = HEADROOM * Math.max(...calm.map((r) => r.top));
  if (!logY) return [0, top];
  const low = Math.min(...calm.map((r) => r.low));
  return [Math.log10(low) - 0.2, Math.log10(top)];
}

// the largest loss a range shows (Infinity without one), in loss units
export function ceilingOf(range, logY) {
  if (!range) return Infinity;
  return logY ? 10 ** range[1] : range[1];
}
