// Plotly charts fed by the stream. Points are buffered as they arrive and drawn at most once per
// animation frame; long runs are decimated for display only (every loss stays in the buffers).
import { plain, t } from "./i18n.js";

// Okabe-Ito colours (safe for colour-blind readers), and a distinct dash per run.
export const COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933"];
export const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "5px,3px,1px,3px", "1px,5px"];
const MAX_BUCKETS = 800; // display points per trace are at most 2 x this
const MIN_FRAME_MS = 120; // long runs: leave the main thread free between draws
const CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

export class RunSeries {
  constructor(plan, index) {
    this.plan = plan;
    this.index = index;
    this.loss = new Float64Array(plan.total_updates);
    this.n = 0;
    this.evals = [];
    this.smoothed = new Float64Array(plan.total_updates);
    this.smoothedUpTo = 0;
    this.ema = { value: 0, weight: 0 };
  }

  addPoints(first, losses) {
    for (let i = 0; i < losses.length; i++) {
      const v = losses[i];
      this.loss[first - 1 + i] = v === null ? NaN : v;
    }
    this.n = Math.max(this.n, first - 1 + losses.length);
  }

  // TensorBoard's smoothing: a debiased exponential moving average, skipping missing values.
  smooth(weight) {
    if (weight !== this.ema.weight) {
      this.ema = { value: 0, weight, count: 0 };
      this.smoothedUpTo = 0;
    }
    const ema = this.ema;
    for (let i = this.smoothedUpTo; i < this.n; i++) {
      const v = this.loss[i];
      if (Number.isFinite(v)) {
        ema.value = weight * ema.value + (1 - weight) * v;
        ema.count += 1;
      }
      this.smoothed[i] = ema.count ? ema.value / (1 - weight ** ema.count) : NaN;
    }
    this.smoothedUpTo = this.n;
  }

  // x of update k (1-based) in the chosen unit
  x(k, mode) {
    const { iterations_per_epoch: ipe, batch_size: bs, n_train: n } = this.plan;
    if (mode === "epochs") return k / ipe;
    if (mode === "examples") return Math.floor(k / ipe) * n + Math.min((k % ipe) * bs, n);
    return k;
  }
}

// Raw losses as min/max per bucket (keeps the noise envelope), smoothed as one point per bucket.
function decimate(series, mode) {
  const n = series.n;
  const size = Math.max(1, Math.ceil(n / MAX_BUCKETS));
  const raw = { x: [], y: [], k: [] };
  const smooth = { x: [], y: [], k: [] };
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let lo = start, hi = start;
    for (let i = start; i < end; i++) {
      if (!(series.loss[i] >= series.loss[lo])) lo = i;
      if (!(series.loss[i] <= series.loss[hi])) hi = i;
    }
    for (const i of size === 1 ? [start] : [Math.min(lo, hi), Math.max(lo, hi)]) {
      raw.x.push(series.x(i + 1, mode)); raw.y.push(series.loss[i]); raw.k.push(i + 1);
    }
    smooth.x.push(series.x(end, mode)); smooth.y.push(series.smoothed[end - 1]); smooth.k.push(end);
  }
  return { raw, smooth };
}

function hover(series) {
  return `%{fullData.name}<br>${plain(t("update"))} %{customdata[0]}<br>${plain(t("epoch"))} %{customdata[1]:.3f}` +
    `<br>${plain(t("loss_axis"))} %{y:.5g}<extra></extra>`;
}

function customdata(series, ks) {
  return ks.map((k) => [k, k / series.plan.iterations_per_epoch]);
}

function traces(series, mode, showLegend) {
  const i = series.index;
  const color = COLORS[i % COLORS.length];
  const dash = DASHES[i % DASHES.length];
  const name = plain(series.plan.label);
  const { raw, smooth } = decimate(series, mode);
  const evalX = series.evals.map((e) => series.x(e.update, mode));
  const evalK = series.evals.map((e) => e.update);
  const common = { type: "scatter", legendgroup: `run${i}`, hovertemplate: hover(series) };
  const out = [
    { ...common, name: `${name} · ${plain(t("minibatch_loss"))}`, x: raw.x, y: raw.y, customdata: customdata(series, raw.k),
      mode: "lines", line: { color, width: 1 }, opacity: 0.3, showlegend: false },
    { ...common, name: `${name} · ${plain(t("smoothed"))}`, x: smooth.x, y: smooth.y, customdata: customdata(series, smooth.k),
      mode: "lines", line: { color, width: 2.5, dash }, showlegend: showLegend },
    { ...common, name: `${name} · ${plain(t("train_loss"))}`, x: evalX, y: series.evals.map((e) => e.train_loss),
      customdata: customdata(series, evalK), mode: "lines+markers", marker: { color, size: 5, symbol: "circle" },
      line: { color, width: 1.5, dash }, showlegend: false },
  ];
  if (series.status === "diverged" && series.n) {
    let k = series.n;
    while (k > 1 && !Number.isFinite(series.loss[k - 1])) k--;
    out.push({ type: "scatter", mode: "markers+text", name: `${name} · ${plain(t("diverged"))}`, legendgroup: `run${i}`,
      x: [series.x(k, mode)], y: [series.loss[k - 1]], text: [plain(t("diverged"))], textposition: "top center",
      marker: { symbol: "x-thin-open", size: 14, color, line: { width: 3, color } }, showlegend: false,
      customdata: customdata(series, [series.n]), hovertemplate: hover(series) });
  }
  if (series.plan.n_val > 0) {
    out.push({ ...common, name: `${name} · ${plain(t("val_loss"))}`, x: evalX, y: series.evals.map((e) => e.val_loss),
      customdata: customdata(series, evalK), mode: "lines+markers", marker: { color, size: 6, symbol: "diamond-open" },
      line: { color, width: 1.5, dash: "dot" }, showlegend: false });
  }
  return out;
}

function epochLines(series, mode) {
  const epochs = series.plan.epochs;
  const every = Math.ceil(epochs / 40); // at most ~40 lines
  const shapes = [];
  for (let e = every; e < epochs; e += every) {
    const x = series.x(e * series.plan.iterations_per_epoch, mode);
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1,
      line: { color: "rgba(0,0,0,0.15)", width: 1, dash: "dot" } });
  }
  return shapes;
}

function layout(title, mode, logY, shapes) {
  return {
    title: { text: plain(title), font: { size: 14 } },
    margin: { l: 55, r: 10, t: 36, b: 50 },
    xaxis: { title: { text: plain(t(`x_${mode}`)) }, zeroline: false },
    yaxis: { title: { text: plain(t("loss_axis")) }, type: logY ? "log" : "linear" },
    legend: { orientation: "h", yanchor: "top", y: -0.28 },
    hovermode: "closest",
    shapes,
    uirevision: `${mode}-${logY}`,
  };
}

export class Charts {
  constructor(overlayEl, runsEl) {
    this.overlayEl = overlayEl;
    this.runsEl = runsEl;
    this.series = [];
    this.options = { mode: "updates", logY: false, smoothing: 0.6 };
    this.dirty = false;
    this.frameGap = 0;
  }

  reset(plans) {
    this.series = plans.map((p, i) => new RunSeries(p, i));
    this.runsEl.replaceChildren();
    this.runDivs = this.series.map((s) => {
      const div = document.createElement("div");
      div.className = "chart small";
      div.setAttribute("role", "img");
      div.setAttribute("aria-label", s.plan.label);
      this.runsEl.append(div);
      return div;
    });
    this.request();
  }

  addPoints(data) { this.series[data.run]?.addPoints(data.first_update, data.loss); this.request(); }
  addEval(data) { this.series[data.run]?.evals.push(data); this.request(); }
  markDone(data) { if (this.series[data.run]) this.series[data.run].status = data.status; this.request(); }
  setOptions(options) { Object.assign(this.options, options); this.request(); }

  request() {
    if (this.dirty) return;
    this.dirty = true;
    const wait = Math.max(0, (this.lastDraw ?? -Infinity) + this.frameGap - performance.now());
    setTimeout(() => requestAnimationFrame(() => this.draw()), wait);
  }

  draw() {
    this.dirty = false;
    const began = performance.now();
    if (!window.Plotly) return void setTimeout(() => this.request(), 50);
    const { mode, logY, smoothing } = this.options;
    for (const s of this.series) s.smooth(smoothing);
    const all = this.series.flatMap((s) => traces(s, mode, true));
    const overlayShapes = mode === "epochs" && this.series[0] ? epochLines(this.series[0], mode) : [];
    Plotly.react(this.overlayEl, all, layout(t("all_runs"), mode, logY, overlayShapes), CONFIG);
    if (!this.runsEl.hidden) {
      this.series.forEach((s, i) => {
        Plotly.react(this.runDivs[i], traces(s, mode, false), layout(s.plan.label, mode, logY, epochLines(s, mode)), CONFIG);
      });
    }
    this.lastDraw = performance.now();
    // a draw that took long gets a longer pause after it, so input stays responsive
    this.frameGap = Math.max(this.lastDraw - began, 16) < 40 ? 0 : MIN_FRAME_MS;
  }

  png() {
    return Plotly.downloadImage(this.overlayEl, { format: "png", filename: "gradient-descent", width: 1200, height: 600 });
  }
}
