// The views inside the descent as pure functions of the plan, the runs and fetched data:
// landscape with paths, data and fit, gradient noise, overfitting. Each gives {data, layout, label}
// (label: the chart's text alternative: its title, then one number per run).
import { messageFigure } from "./figure.js";
import { HOVER, formatNumber, plain, wrapText } from "./format.js";
import { t } from "./i18n.js";
import { calmRange } from "./ranges.js";
import { CLASS_COLORS, DATA_COLOR, EDGE, FOOT_LEGEND, KEY_COLOR, LANDSCAPE_SCALE, MARGIN, NOTE_BG, PAPER, X_TITLE_STANDOFF,
  runStyle } from "./theme.js";

function layout(x, y, extra = {}) {
  const { xaxis = {}, yaxis = {}, ...rest } = extra;
  return { margin: { ...MARGIN, t: 10 },
    xaxis: { automargin: true, ...xaxis, title: { text: x, standoff: X_TITLE_STANDOFF } }, yaxis: { ...yaxis, title: { text: y } },
    legend: { ...FOOT_LEGEND, font: { size: 10 } }, hovermode: "closest", ...rest };
}

// [low, high] of finite values, padded: axes set from the data, so a diverged run cannot stretch them
export function span(values, pad = 0.08) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return undefined;
  const lo = Math.min(...finite), hi = Math.max(...finite);
  const margin = (hi - lo || Math.abs(hi) || 1) * pad;
  return [lo - margin, hi + margin];
}

function label(view, plans, runs, perRun) {
  const parts = runs.map((run, i) => perRun(run, plans[i], i)).filter(Boolean);
  return [t(`view_${view}`), ...parts].join("; ");
}

const name = (plan) => plain(plan.label);
const lastOf = (list) => list[list.length - 1];

// Paths are drawn longest first, so a short path (the full batch's 20 steps) lies on top of a long
// one it shares its start with. Every white outline goes beneath every path (an outline drawn over
// an earlier path hid it where paths coincide, as keras_sgd's momentum runs do), each path in its
// run's dash so coinciding ones show through each other's gaps, and every start (open circle) and
// end (filled square) on top of all paths.
export function pathOrder(runs) {
  return runs.map((run, i) => i).sort((a, b) => runs[b].path.length - runs[a].path.length || a - b);
}

const coords = (run) => ({ x: run.path.map((p) => p[1]), y: run.path.map((p) => p[2]) });

function outlineTrace(run) {
  return { type: "scatter", mode: "lines", ...coords(run), line: { color: PAPER, width: 5 }, showlegend: false, hoverinfo: "skip" };
}

function pathTrace(run, plan, i) {
  const { color, dash } = runStyle(i);
  return { type: "scatter", mode: "lines+markers", name: name(plan), ...coords(run), line: { color, dash, width: 2 },
    marker: { color, size: 3 }, legendgroup: `run${i}`, customdata: run.path.map((p) => p[0]), meta: { run: i },
    hovertemplate: `${name(plan)}<br>${plain(t("update"))} %{customdata}<br>w %{x:${HOVER.weight}}<br>b %{y:${HOVER.weight}}<extra></extra>` };
}

// a path's start and end marks (a helper trace: no meta)
function endsTrace(run, plan, i) {
  const { color } = runStyle(i);
  const { x, y } = coords(run);
  return { type: "scatter", mode: "markers", name: `${name(plan)} · ${plain(t("path_start"))} / ${plain(t("path_end"))}`,
    x: [x[0], x.at(-1)], y: [y[0], y.at(-1)], legendgroup: `run${i}`, showlegend: false, hoverinfo: "skip",
    marker: { color: [PAPER, color], size: [10, 11], symbol: ["circle", "square"], line: { color: [color, EDGE], width: [2.5, 1.5] } } };
}

// {lines: outlines then paths, marks: starts and ends}
function pathLayers(plans, runs) {
  const order = pathOrder(runs).filter((i) => runs[i].path.length);
  return { lines: [...order.map((i) => outlineTrace(runs[i])), ...order.map((i) => pathTrace(runs[i], plans[i], i))],
    marks: order.map((i) => endsTrace(runs[i], plans[i], i)) };
}

// the legend's key to a path's start and end marks (helper traces, drawn nowhere)
function pathKey() {
  const key = (text, marker) => ({ type: "scatter", mode: "markers", x: [null], y: [null], name: plain(text), hoverinfo: "skip", marker });
  return [key(t("path_start"), { symbol: "circle", size: 10, color: PAPER, line: { color: KEY_COLOR, width: 2.5 } }),
    key(t("path_end"), { symbol: "square", size: 10, color: KEY_COLOR, line: { color: EDGE, width: 1.5 } })];
}

export function landscapeFigure(plans, runs, land) {
  const data = [
    { type: "contour", x: land.w, y: land.b, z: land.loss, name: plain(t("loss_axis")), showscale: false,
      colorscale: LANDSCAPE_SCALE, reversescale: true, opacity: 0.75, ncontours: 30, hoverinfo: "skip",
      contours: { coloring: "heatmap", showlines: true } },
  ];
  const { lines, marks } = pathLayers(plans, runs);
  // the minimum above the paths that end at it, under their end marks (the star shows around them)
  data.push(...lines, { type: "scatter", mode: "markers", x: [land.minimum.w], y: [land.minimum.b], name: plain(t("minimum")),
    marker: { symbol: "star", size: 15, color: PAPER, line: { color: EDGE, width: 1.5 } } }, ...marks);
  if (runs.some((run) => run.path.length)) data.push(...pathKey());
  return { data, label: label("landscape", plans, runs, (run, plan) => run.path.length &&
      `${plan.label}: w ${formatNumber(lastOf(run.path)[1])}, b ${formatNumber(lastOf(run.path)[2])}`),
    layout: layout("w", "b", { xaxis: { range: [land.w[0], lastOf(land.w)] },
      yaxis: { range: [land.b[0], lastOf(land.b)] }, uirevision: "landscape" }) };
}

function dataTraces(data, classes) {
  const out = [];
  for (const [key, X, y, opacity] of [["data_train", data.X_train, data.y_train, 0.55], ["data_val", data.X_val, data.y_val, 0.35]]) {
    if (!X.length) continue;
    if (!classes) {
      out.push({ type: "scatter", mode: "markers", name: plain(t(key)), x: X.map((r) => r[0]), y: y.map((r) => r[0]),
        opacity, marker: { size: 4, color: DATA_COLOR } });
      continue;
    }
    for (const c of [0, 1]) {
      const idx = y.map((v, i) => (v === c ? i : -1)).filter((i) => i >= 0);
      out.push({ type: "scatter", mode: "markers", name: `${plain(t(key))} · ${plain(t("class_n", { n: c }))}`,
        x: idx.map((i) => X[i][0]), y: idx.map((i) => X[i][1]), opacity,
        marker: { size: 5, symbol: c ? "x" : "circle", color: CLASS_COLORS[c] } });
    }
  }
  return out;
}

// a run's model over the data: its decision boundary (p = 0.5), or its fitted line
function fitTrace(run, plan, i, data, classes) {
  const { color, dash } = runStyle(i);
  if (classes && run.boundary) {
    const g = run.boundary.grid;
    const axis = (r) => Array.from({ length: g.n }, (_, k) => r[0] + (k * (r[1] - r[0])) / (g.n - 1));
    const z = Array.from({ length: g.n }, (_, r) => run.boundary.probs.slice(r * g.n, (r + 1) * g.n));
    return { type: "contour", x: axis(g.x0), y: axis(g.x1), z, name: name(plan), showscale: false,
      showlegend: true, hoverinfo: "skip", contours: { start: 0.5, end: 0.5, size: 1, coloring: "none" },
      line: { color, dash, width: 2.5 }, meta: { run: i } };
  }
  if (classes || !run.path.length) return null;
  const [, w, b] = lastOf(run.path);
  const xs = data.X_train.map((r) => r[0]);
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return { type: "scatter", mode: "lines", name: name(plan), x: [lo, hi], y: [w * lo + b, w * hi + b],
    line: { color, dash, width: 2.5 }, meta: { run: i } };
}

export function fitFigure(plans, runs, data) {
  const classes = data.task === "classification";
  const traces = [...dataTraces(data, classes), ...runs.map((run, i) => fitTrace(run, plans[i], i, data, classes)).filter(Boolean)];
  const all = [...data.X_train, ...data.X_val];
  const xRange = span(all.map((r) => r[0]));
  const yRange = span(classes ? all.map((r) => r[1]) : [...data.y_train, ...data.y_val].map((r) => r[0]), 0.15);
  return { data: traces, label: label("fit", plans, runs, (run, plan) => (run.path.length
    ? `${plan.label}: y = ${formatNumber(lastOf(run.path)[1])} x + ${formatNumber(lastOf(run.path)[2])}`
    : run.boundary && `${plan.label}: ${t("update")} ${run.boundary.update}`)),
  layout: layout(classes ? "x₀" : "x", classes ? "x₁" : "y", { xaxis: { range: xRange }, yaxis: { range: yRange }, uirevision: "fit" }) };
}

// A view with nothing to draw says why, in words (its text alternative too).
export function emptyView(view, text, width) {
  return { ...messageFigure(text, width), label: `${t(`view_${view}`)}: ${text}` };
}

// Why a finished run has no gradient-noise measurement: batch normalization (a full-batch pass
// would move its statistics) or a training set too large to pass once per measurement (the only
// two cases app/engine/cadence.py skips); null while it may still measure, or when it measured.
export function noiseGap(plan, run) {
  if (run.cosN || !["completed", "stopped"].includes(run.status)) return null;
  if (plan.config && plan.config.batch_norm) return t("noise_why_bn", { label: plan.label });
  return t("noise_why_large", { label: plan.label, n: plan.n_train });
}

// decimators: each run's gradient cosines, decimated (their bucket means are drawn, each at the
// weights its last update started from, as the losses)
export function noiseFigure(plans, runs, decimators, width = 0) {
  const data = [];
  runs.forEach((run, i) => {
    if (!run.cosN) return;
    const means = decimators[i].means();
    const { color, dash } = runStyle(i);
    data.push({ type: "scatter", mode: "lines", name: name(plans[i]), x: means.map(([end]) => (end - 1) / plans[i].iterations_per_epoch),
      y: means.map(([, mean]) => mean), line: { color, dash, width: 2 }, meta: { run: i } });
  });
  const gaps = runs.map((run, i) => noiseGap(plans[i], run)).filter(Boolean);
  if (!data.length && gaps.length === runs.length) return emptyView("noise", [t("noise_none"), ...gaps].join(" "), width);
  const notes = gaps.length ? [{ text: wrapText(gaps.join(" "), Math.max(24, Math.floor((width || 400) / 7))).map(plain).join("<br>"),
    xref: "paper", yref: "paper", x: 0, y: 0, xanchor: "left", yanchor: "bottom", align: "left", showarrow: false,
    bgcolor: NOTE_BG, font: { size: 11 } }] : [];
  return { data, label: label("noise", plans, runs, (run, plan, i) => {
    const { sum, count } = decimators[i];
    const n = count.reduce((a, b) => a + b, 0);
    return (n && `${plan.label}: ${formatNumber(sum.reduce((a, b) => a + b, 0) / n)}`) || noiseGap(plan, run);
  }),
  layout: layout(plain(t("x_epochs")), plain(t("cosine_axis")), { yaxis: { range: [-1.05, 1.05] }, annotations: notes, uirevision: "noise" }) };
}

// the best epoch (lowest validation loss at an epoch end) and the epochs after it, shaded
function bestEpoch(run, plan, i, data, shapes) {
  const ends = run.evals.filter((e) => e.update > 0 && Number.isInteger(e.epoch) && e.val_loss !== null);
  if (!ends.length) return;
  const { color } = runStyle(i);
  const best = ends.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
  data.push({ type: "scatter", mode: "markers", name: `${name(plan)} · ${plain(t("best_epoch"))} ${best.epoch}`,
    x: [best.epoch], y: [best.val_loss], marker: { symbol: "star", size: 14, color, line: { color: EDGE, width: 1 } } });
  const last = lastOf(run.evals).epoch;
  if (last > best.epoch) {
    shapes.push({ type: "rect", xref: "x", yref: "paper", x0: best.epoch, x1: last, y0: 0, y1: 1,
      fillcolor: color, opacity: 0.08, line: { width: 0 } });
  }
}

export function overfitFigure(plans, runs) {
  const data = [];
  const shapes = [];
  runs.forEach((run, i) => {
    const plan = plans[i];
    if (!plan.n_val) return;
    const { color } = runStyle(i);
    const x = run.evals.map((e) => e.epoch);
    // training solid, validation dotted (as the caption says); the colour names the run
    data.push({ type: "scatter", mode: "lines", name: `${name(plan)} · ${plain(t("train_loss"))}`, x,
      y: run.evals.map((e) => e.train_loss), line: { color, width: 1.5 }, meta: { run: i } });
    data.push({ type: "scatter", mode: "lines+markers", name: `${name(plan)} · ${plain(t("val_loss"))}`, x,
      y: run.evals.map((e) => e.val_loss), line: { color, dash: "dot", width: 2 }, marker: { size: 4, color }, meta: { run: i } });
    bestEpoch(run, plan, i, data, shapes);
  });
  const range = calmRange(runs.map((run) => {
    const losses = run.evals.flatMap((e) => [e.train_loss, e.val_loss]).filter(Number.isFinite);
    return { diverged: run.status === "diverged", top: losses.length ? Math.max(...losses) : NaN,
      low: Math.min(...losses.filter((v) => v > 0)) };
  }), false);
  return { data, label: label("overfit", plans, runs, (run, plan) => {
    const last = lastOf(run.evals);
    return last && last.val_loss !== null && `${plan.label}: ${t("val_loss")} ${formatNumber(last.val_loss)}`;
  }),
  layout: layout(plain(t("x_epochs")), plain(t("loss_axis")), { shapes, uirevision: "overfit",
    yaxis: { exponentformat: "power", ...(range ? { range } : {}) } }) };
}
