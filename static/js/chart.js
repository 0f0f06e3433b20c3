// Plotly charts fed by the stream. Points are buffered as they arrive and drawn at most once per
// animation frame; long runs are decimated for display only (every loss stays in the buffers).
import { formatNumber, plain, t } from "./i18n.js";

// Okabe-Ito colours (safe for colour-blind readers), and a distinct dash per run.
export const COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933"];
export const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "5px,3px,1px,3px", "1px,5px"];
const MAX_BUCKETS = 800; // display points per trace are at most 2 x this
const MIN_FRAME_MS = 120; // long runs: leave the main thread free between draws
// no mode bar: its buttons would be focusable inside an image (axe nested-interactive); the page
// has its own PNG download, and drag-to-zoom / double-click still work
export const CONFIG = { responsive: true, displaylogo: false, displayModeBar: false };
const DIVERGED_HEADROOM = 1.5; // with a diverged run, the loss axis ends at 1.5x the others' largest loss

export class RunSeries {
  constructor(plan, index) {
    this.plan = plan;
    this.index = index;
    this.loss = new Float64Array(plan.total_updates);
    this.n = 0;
    this.evals = [];
    this.smoothed = new Float64Array(plan.total_updates);
    this.smoothedUpTo = 0;
    this.ema = { value: 0, weight: null, count: 0 };
  }

  addPoints(first, losses) {
    for (let i = 0; i < losses.length; i++) {
      const v = losses[i];
      this.loss[first - 1 + i] = v === null ? NaN : v;
    }
    this.n = Math.max(this.n, first - 1 + losses.length);
  }

  // Smoothing a run needs: none for the full batch (noise-free), about one epoch's worth of
  // updates otherwise (capped at 0.99), unless the link sets one weight for every run.
  smoothingWeight(chosen) {
    if (this.plan.variant === "full-batch") return 0;
    if (chosen !== null && chosen !== undefined) return chosen;
    return Math.min(0.99, 1 - 1 / this.plan.iterations_per_epoch);
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

  // x of update k (1-based) in the chosen unit; seconds: this run's own compute time, spread
  // evenly over its updates (the prediction until the run reports its time)
  x(k, mode) {
    const { iterations_per_epoch: ipe, batch_size: bs, n_train: n, total_updates: total } = this.plan;
    if (mode === "epochs") return k / ipe;
    if (mode === "examples") return Math.floor(k / ipe) * n + Math.min((k % ipe) * bs, n);
    if (mode === "seconds") return (k * (this.seconds ?? this.plan.predicted_seconds)) / (this.updates || total);
    return k;
  }

  // the last update with a finite loss, and its loss
  lastFinite() {
    let k = this.n;
    while (k > 0 && !Number.isFinite(this.loss[k - 1])) k--;
    return k;
  }

  maxFinite() {
    let top = -Infinity;
    for (let i = 0; i < this.n; i++) if (this.loss[i] > top && Number.isFinite(this.loss[i])) top = this.loss[i];
    return top;
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

// "SGD · 20000 updates"; the run's own label where runs share a variant
function endLabel(series, named = false) {
  return t("end_label", { variant: named ? series.plan.label : t(`variant_${series.plan.variant}`), n: series.plan.total_updates });
}

function traces(series, mode, showLegend) {
  const i = series.index;
  const color = COLORS[i % COLORS.length];
  const dash = DASHES[i % DASHES.length];
  const name = plain(series.plan.label);
  const { raw, smooth } = decimate(series, mode);
  const evalX = series.evals.map((e) => series.x(e.update, mode));
  const evalK = series.evals.map((e) => e.update);
  // meta.run: the contract's page hook (helper traces, like the diverged marker, carry none)
  const common = { type: "scatter", legendgroup: `run${i}`, hovertemplate: hover(series), meta: { run: i } };
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
    const k = Math.max(1, series.lastFinite());
    const text = plain(t("status_diverged", { k: series.n }));
    out.push({ type: "scatter", mode: "markers", name: `${name} · ${text}`, legendgroup: `run${i}`,
      x: [series.x(k, mode)], y: [Math.min(series.loss[k - 1], series.ceiling ?? Infinity)], cliponaxis: false,
      marker: { symbol: "x-thin-open", size: 14, color, line: { width: 3, color } },
      showlegend: false, customdata: customdata(series, [series.n]), hovertemplate: hover(series) });
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

// Each run's end carries its update count ("SGD · 20000 updates"), so the lesson reads off the chart.
// Annotations do not stretch the axes, unlike text on markers. Each label points at its run's
// last point from a slot of its own in the upper part of the chart (top curve first), so labels
// never cover each other. On a narrow chart a diverged run's status takes a second line, and
// every label opens towards the middle, so none runs off the chart.
function endLabels(series, mode, logX, logY, narrow) {
  const named = new Set(series.map((s) => s.plan.variant)).size < series.length;
  const ends = series.filter((s) => s.n).map((s) => {
    const k = Math.max(1, s.lastFinite());
    const diverged = s.status === "diverged";
    return { s, k, diverged, y: Math.min(diverged ? s.loss[k - 1] : s.smoothed[k - 1], s.ceiling ?? Infinity) };
  }).filter((e) => Number.isFinite(e.y) && (!logY || e.y > 0)).sort((a, b) => b.y - a.y);
  if (!ends.length) return [];
  const scale = (v) => (logY ? Math.log10(v) : v);
  const top = scale(Math.min(Math.max(...series.map((s) => s.maxFinite())), series[0].ceiling ?? Infinity));
  const bottom = logY ? Math.min(...ends.map((e) => scale(e.y))) : 0;
  const step = (top - bottom) / (ends.length + 2);
  const at = (s, k) => (logX ? Math.log10(s.x(k, mode)) : s.x(k, mode));
  const xs = series.flatMap((s) => [at(s, 1), at(s, Math.max(1, s.plan.total_updates))]).filter(Number.isFinite);
  const middle = (Math.min(...xs) + Math.max(...xs)) / 2;
  return ends.map(({ s, k, diverged, y }, rank) => {
    const status = diverged ? `${narrow ? "<br>" : " · "}${plain(t("status_diverged", { k: s.updates ?? s.n }))}` : "";
    const x = at(s, k);
    return { x, y: scale(y), text: plain(endLabel(s, named)) + status, showarrow: true, arrowhead: 0,
      arrowcolor: COLORS[s.index % COLORS.length], axref: "x", ayref: "y", ax: x, ay: top - step * (rank + 0.5),
      xanchor: x > middle ? "right" : "left", align: x > middle ? "right" : "left",
      font: { size: narrow ? 10 : 11, color: "#1a1a1a" }, bgcolor: "rgba(255,255,255,0.9)",
      bordercolor: COLORS[s.index % COLORS.length], borderwidth: 1 };
  });
}

// Axes from the runs that did not diverge: a diverged run must not flatten the others.
function lossRange(series, logY) {
  const calm = series.filter((s) => s.status !== "diverged" && s.n);
  if (calm.length === series.length || !calm.length) return undefined;
  const top = DIVERGED_HEADROOM * Math.max(...calm.map((s) => s.maxFinite()));
  if (!logY) return [0, top];
  const low = Math.min(...calm.map((s) => { let m = Infinity; for (let i = 0; i < s.n; i++) if (s.loss[i] > 0 && s.loss[i] < m) m = s.loss[i]; return m; }));
  return [Math.log10(low) - 0.2, Math.log10(top)];
}

// Narrow (a phone): no legend, as the end labels name every run and the table below keys the
// colours; a legend of four rows pushed into the axis title and squashed the curves.
const NARROW_PX = 520;
// the legend at the figure's foot, the x title making room for itself (views use it too): a legend
// placed below the plot in plot units ran into the title on short charts (embeds)
export const FOOT_LEGEND = { orientation: "h", yref: "container", yanchor: "bottom", y: 0 };
export const X_TITLE_STANDOFF = 6;
export const MARGIN_BOTTOM = 30;
const isNarrow = (width) => width > 0 && width < NARROW_PX;

function layout(title, options, shapes, series, width) {
  const { mode, logX, logY } = options;
  const narrow = isNarrow(width);
  const range = lossRange(series, logY);
  for (const s of series) s.ceiling = range ? (logY ? 10 ** range[1] : range[1]) : undefined;
  return {
    title: { text: plain(title), font: { size: 14 } },
    margin: { l: 55, r: 10, t: 36, b: MARGIN_BOTTOM },
    xaxis: { title: { text: plain(t(`x_${mode}`)), standoff: X_TITLE_STANDOFF }, automargin: true, zeroline: false,
      type: logX ? "log" : "linear" },
    yaxis: { title: { text: plain(t("loss_axis")) }, type: logY ? "log" : "linear", ...(range ? { range, autorange: false } : {}) },
    legend: { ...FOOT_LEGEND }, // a copy: Plotly keeps (and may change) the layout it is given
    showlegend: !narrow,
    hovermode: "closest",
    shapes,
    annotations: endLabels(series, mode, logX, logY, narrow),
    uirevision: `${mode}-${logX}-${logY}-${range ? "kept" : "auto"}`,
  };
}

// The chart's text alternative: every run's updates, final loss and status.
export function summary(series) {
  return series.map((s) => {
    const k = s.lastFinite();
    const last = s.evals.length ? s.evals[s.evals.length - 1].train_loss : s.loss[k - 1];
    return t("chart_summary", { label: s.plan.label, n: s.updates ?? s.n, loss: formatNumber(last),
      status: s.status === "diverged" ? t("status_diverged", { k: s.updates }) : t(`status_${s.status || "running"}`) });
  }).join("; ");
}

export class Charts {
  constructor(overlayEl, runsEl) {
    this.overlayEl = overlayEl;
    this.runsEl = runsEl;
    this.series = [];
    this.options = { mode: "epochs", logX: false, logY: false, smoothing: null }; // null: each run's own
    this.dirty = false;
    this.frameGap = 0;
    // Plotly's `responsive` follows the window only; the page's flex boxes also change size
    // (the table fills in, a panel opens), so each drawn chart follows its own box
    this.resizer = new ResizeObserver((entries) => {
      for (const { target, contentRect } of entries) {
        if (!target.layout) continue;
        Plotly.Plots.resize(target);
        // crossing the narrow width changes labels and legend: only then is a whole redraw due
        if (isNarrow(contentRect.width) === target.layout.showlegend) this.request();
      }
    });
    this.resizer.observe(overlayEl);
  }

  reset(plans) {
    this.series = plans.map((p, i) => new RunSeries(p, i));
    this.runsEl.replaceChildren();
    this.runDivs = this.series.map((s) => {
      const div = document.createElement("div");
      div.className = "chart small";
      div.setAttribute("role", "img");
      div.setAttribute("aria-label", `${s.plan.label}: ${endLabel(s)}`);
      this.runsEl.append(div);
      return div;
    });
    this.request();
  }

  addPoints(data) { this.series[data.run]?.addPoints(data.first_update, data.loss); this.request(); }
  addEval(data) { this.series[data.run]?.evals.push(data); this.request(); }
  markDone(data) {
    const s = this.series[data.run];
    if (s) Object.assign(s, { status: data.status, seconds: data.seconds, updates: data.updates });
    this.request();
  }
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
    const { mode, smoothing } = this.options;
    for (const s of this.series) s.smooth(s.smoothingWeight(smoothing));
    const overlayLayout = layout(t("all_runs"), this.options, [], this.series, this.overlayEl.clientWidth);
    const all = this.series.flatMap((s) => traces(s, mode, true));
    Plotly.react(this.overlayEl, all, overlayLayout, CONFIG);
    this.overlayEl.setAttribute("aria-label", `${t("loss_chart_name")}: ${summary(this.series)}`);
    if (!this.runsEl.hidden) {
      this.series.forEach((s, i) => {
        Plotly.react(this.runDivs[i], traces(s, mode, false), layout(s.plan.label, this.options, epochLines(s, mode), [s], this.runDivs[i].clientWidth), CONFIG);
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
