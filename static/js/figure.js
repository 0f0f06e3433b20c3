// The loss chart as a pure function of the runs and the chart options: the range first (one rule,
// ranges.js), then the traces and end labels drawn within it. No DOM; Plotly only draws the result.
// Where each series stands (the contract's page hooks): update u's loss was measured before the
// update, at x = u - 1 updates; an evaluation after m updates at x = m. So a full-batch run draws
// one curve: its losses and its training evaluations coincide. With log x, x <= 0 is left out.
import { HOVER, endLabel, endedEarly, formatNumber, plain, statusText, textUnits, updatesText, wrapText } from "./format.js";
import { t } from "./i18n.js";
import { calmRange, ceilingOf } from "./ranges.js";
import { finalTrainLoss, lastFinite, lossX, maxFinite, minPositive, xAt } from "./run.js";
import { EPOCH_LINE_COLOR, FOOT_LEGEND, KEY_COLOR, LABEL_BG, LABEL_EM, LEGEND_ENTRY_PX, LEGEND_ROW_PX, LEGEND_SIDES_PX, MARGIN,
  MAX_EPOCH_LINES, MIN_PLOT_PX, PLOT_PX, TEXT_COLOR, X_TITLE_PX, X_TITLE_STANDOFF, isNarrow, runStyle } from "./theme.js";

// A track is what one run's traces are drawn from: {index, plan, run, smoothed, dec}
// (run: the store's data; smoothed: its smoothed losses; dec: its losses' decimator).

function hover() {
  return `%{fullData.name}<br>${plain(t("update"))} %{customdata[0]}<br>${plain(t("epoch"))} %{customdata[1]:${HOVER.epoch}}` +
    `<br>${plain(t("loss_axis"))} %{y:${HOVER.loss}}<extra></extra>`;
}

const diverged = (track) => track.run.status === "diverged";
// a full-batch run's loss is exact: never smoothed, drawn as the run's line
const exact = (track) => track.plan.variant === "full-batch";

// points {x, y, customdata} of losses (ks: updates, 1-based) or evaluations (ms: updates done)
function points(track, mode, ks, ys, before) {
  const { plan, run } = track;
  const done = ks.map((k) => k - before); // updates done when the value was measured
  return { x: done.map((m) => xAt(plan, run, m, mode)), y: ys, customdata: ks.map((k, i) => [k, done[i] / plan.iterations_per_epoch]) };
}

// with log x: only the points at x > 0, so no line is drawn towards the axis edge
function onAxis(pts, logX) {
  if (!logX) return pts;
  const keep = pts.x.map((x, i) => (x > 0 ? i : -1)).filter((i) => i >= 0);
  return { x: keep.map((i) => pts.x[i]), y: keep.map((i) => pts.y[i]), customdata: keep.map((i) => pts.customdata[i]) };
}

// raw losses as each bucket's min and max (the noise envelope), smoothed as each bucket's end
function lossPoints(track, mode) {
  const { run, dec, smoothed } = track;
  const raw = dec.envelope().map((i) => i + 1);
  const ends = Array.from({ length: dec.buckets }, (_, b) => dec.end(b));
  return { raw: points(track, mode, raw, raw.map((k) => run.loss[k - 1]), 1),
    smooth: points(track, mode, ends, ends.map((k) => smoothed[k - 1]), 1) };
}

function divergedMarker(track, mode, ceiling, name) {
  const { plan, run } = track;
  const { color } = runStyle(track.index);
  const k = Math.max(1, lastFinite(run.loss, run.n));
  return { type: "scatter", mode: "markers", name: `${name} · ${plain(statusText(run, plan))}`, legendgroup: `run${track.index}`,
    x: [lossX(plan, run, k, mode)], y: [Math.min(run.loss[k - 1], ceiling)], cliponaxis: false,
    marker: { symbol: "x-thin-open", size: 14, color, line: { width: 3, color } },
    showlegend: false, customdata: [[k, (k - 1) / plan.iterations_per_epoch]], hovertemplate: hover() };
}

// the run's line: its smoothed loss, or a full-batch run's exact loss; beneath it the faint losses
const LINE = { width: 2.5 };
const FAINT = { width: 1 };
const EVAL_MARK = { train: { size: 5, symbol: "circle" }, val: { size: 6, symbol: "diamond-open" } };

// meta: the contract's page hook (run and series); helper traces, like the diverged marker, carry none
export function runTraces(track, mode, showLegend, ceiling = Infinity, logX = false) {
  const { index: i, plan, run } = track;
  const { color, dash } = runStyle(i);
  const name = plain(plan.label);
  const { raw, smooth } = lossPoints(track, mode);
  // the epoch-end evaluations (contract, section 5): the mid-epoch ones the server adds for long
  // epochs would space the dots unevenly in a lesson about what an epoch is
  const ends = run.evals.filter((e) => e.update % plan.iterations_per_epoch === 0);
  const evals = (key) => onAxis(points(track, mode, ends.map((e) => e.update), ends.map((e) => e[key]), 0), logX);
  const base = { type: "scatter", legendgroup: `run${i}`, hovertemplate: hover() };
  const of = (series, pts) => ({ ...base, meta: { run: i, series }, ...pts });
  const out = [exact(track)
    ? { ...of("loss", onAxis(raw, logX)), name: `${name} · ${plain(t("loss_axis"))}`, mode: "lines",
      line: { color, dash, ...LINE }, showlegend: showLegend }
    : { ...of("loss", onAxis(raw, logX)), name: `${name} · ${plain(t("minibatch_loss"))}`, mode: "lines",
      line: { color, ...FAINT }, opacity: 0.3, showlegend: false }];
  if (!exact(track)) {
    out.push({ ...of("smoothed", onAxis(smooth, logX)), name: `${name} · ${plain(t("smoothed"))}`, mode: "lines",
      line: { color, dash, ...LINE }, showlegend: showLegend });
  }
  out.push({ ...of("train_eval", evals("train_loss")), name: `${name} · ${plain(t("train_loss"))}`, mode: "lines+markers",
    marker: { color, ...EVAL_MARK.train }, line: { color, width: 1.5, dash }, showlegend: false });
  if (diverged(track) && run.n) out.push(divergedMarker(track, mode, ceiling, name));
  if (plan.n_val > 0) {
    out.push({ ...of("val_eval", evals("val_loss")), name: `${name} · ${plain(t("val_loss"))}`, mode: "lines+markers",
      marker: { color, ...EVAL_MARK.val }, line: { color, width: 1.5, dash: "dot" }, showlegend: false });
  }
  return out;
}

// The legend's key to the line styles, in grey: colour names the run (its own entry), style the
// series. Helper traces (no meta), drawn nowhere.
export function styleKey(tracks) {
  // a group of its own each: a horizontal legend stacks a group's entries
  const key = (name, style) => ({ type: "scatter", x: [null], y: [null], name: plain(name), legendgroup: `key-${name}`,
    hoverinfo: "skip", ...style });
  const out = [];
  if (!tracks.length) return out;
  if (tracks.some((s) => !exact(s))) {
    out.push(key(t("minibatch_loss"), { mode: "lines", line: { color: KEY_COLOR, ...FAINT }, opacity: 0.5 }));
  }
  out.push(key(t("train_loss"), { mode: "lines+markers", marker: { color: KEY_COLOR, ...EVAL_MARK.train },
    line: { color: KEY_COLOR, width: 1.5, dash: "dash" } }));
  if (tracks.some((s) => s.plan.n_val > 0)) {
    out.push(key(t("val_loss"), { mode: "lines+markers", marker: { color: KEY_COLOR, ...EVAL_MARK.val },
      line: { color: KEY_COLOR, width: 1.5, dash: "dot" } }));
  }
  return out;
}

// dotted lines at epoch ends (at most MAX_EPOCH_LINES of them)
export function epochLines(track, mode) {
  const { plan, run } = track;
  const every = Math.ceil(plan.epochs / MAX_EPOCH_LINES);
  const shapes = [];
  for (let e = every; e < plan.epochs; e += every) {
    const x = xAt(plan, run, e * plan.iterations_per_epoch, mode);
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1,
      line: { color: EPOCH_LINE_COLOR, width: 1, dash: "dot" } });
  }
  return shapes;
}

// Where a run's line ends: its last finite loss (smoothed, as drawn), or for a full-batch run that
// finished its plan, the evaluation after its last update, where its one curve ends.
export function endPoint(track, mode) {
  const { plan, run, smoothed } = track;
  const k = Math.max(1, lastFinite(run.loss, run.n));
  const last = run.evals[run.evals.length - 1];
  if (exact(track) && !diverged(track) && last && last.update >= k && Number.isFinite(last.train_loss)) {
    return { k, x: xAt(plan, run, last.update, mode), y: last.train_loss };
  }
  return { k, x: lossX(plan, run, k, mode), y: diverged(track) ? run.loss[k - 1] : smoothed[k - 1] };
}

// the highest value a run draws: its largest loss or evaluation
function highest({ run }) {
  const evals = run.evals.flatMap((e) => [e.train_loss, e.val_loss]).filter(Number.isFinite);
  return Math.max(maxFinite(run.loss, run.n), ...evals);
}

// Each run's end carries its update count ("SGD · 20000 updates"), or what ended it early, so the
// lesson reads off the chart. Annotations do not stretch the axes, unlike text on markers. Each
// label sits in a slot of its own in the upper part of the chart (top curve first), at least its
// height in pixels below the one above, whatever the axis type (on a log axis the ends can be
// decades apart or squeezed together), joined to its line end by a thin dotted grey leader that
// cannot be read as data. On a narrow chart what ended a run takes a second line, a label wider
// than the plot is wrapped to it (keras_sgd's names at 320 px), and every label opens towards the
// middle, so none runs off the chart.
// plotPx: the plot area's height in pixels; range: the y axis range when it is fixed (axis units);
// width: the chart's width in pixels
export function endMarks(tracks, { mode, logX, logY }, narrow, { ceiling = Infinity, plotPx = PLOT_PX, range, width } = {}) {
  const named = new Set(tracks.map((s) => s.plan.variant)).size < tracks.length;
  const ends = tracks.filter((s) => s.run.n).map((s) => ({ s, ...endPoint(s, mode) }))
    .map((e) => ({ ...e, y: Math.min(e.y, ceiling) }))
    .filter((e) => Number.isFinite(e.y) && (!logY || e.y > 0) && (!logX || e.x > 0)).sort((a, b) => b.y - a.y);
  if (!ends.length) return { labels: [], leaders: [] };
  const scale = (v, log) => (log ? Math.log10(v) : v);
  const [lo, hi] = range || dataSpan(tracks, logY, ceiling);
  const top = Math.min(hi, scale(Math.min(Math.max(...tracks.map(highest)), ceiling), logY));
  const bottom = logY ? Math.min(...ends.map((e) => scale(e.y, true))) : 0;
  const step = (top - bottom) / (ends.length + 2);
  const perPx = (hi - lo) / plotPx; // axis units per pixel
  const at = (s, m) => scale(xAt(s.plan, s.run, m, mode), logX);
  const xs = tracks.flatMap((s) => [at(s, logX ? 1 : 0), at(s, s.plan.total_updates)]).filter(Number.isFinite);
  const middle = (Math.min(...xs) + Math.max(...xs)) / 2;
  const size = narrow ? 10 : 11;
  let below = top; // the lower edge of the label above, in axis units
  const labels = ends.map(({ s, x: xEnd }, rank) => {
    const text = plain(endLabel(s.plan, s.run, named));
    const lines = narrow && endedEarly(s.plan, s.run) ? text.split(/ · (?!.* · )/) : [text];
    const shown = lines.map((line) => (narrow && width ? fitLabel(line, labelColumns(width, size)) : line)).join("<br>");
    const half = (labelPx(shown, size) / 2) * perPx;
    const y = Math.min(top - step * (rank + 0.5), below - half);
    below = y - half;
    const x = scale(xEnd, logX);
    const side = x > middle ? "right" : "left";
    return { x, y, text: shown, showarrow: false, xanchor: side, yanchor: "middle", align: side,
      font: { size, color: TEXT_COLOR }, bgcolor: LABEL_BG, bordercolor: runStyle(s.index).color, borderwidth: 1 };
  });
  // shapes take data values on log axes (annotations take their logarithm)
  const leaders = ends.map(({ x, y }, i) => ({ type: "line", xref: "x", yref: "y", x0: x, x1: x, y0: y,
    y1: logY ? 10 ** labels[i].y : labels[i].y, line: LEADER, layer: "above" }));
  return { labels, leaders };
}

// how many units (textUnits) of a label at font size `size` fit across the plot of a chart `width` px wide
export const labelColumns = (width, size) => Math.floor((width - MARGIN.l - MARGIN.r) / (size * LABEL_EM));

// A label's lines of at most `columns` units: its parts ("name · count") on one line while they
// fit, a part wider than a line wrapped at its spaces.
export function fitLabel(text, columns) {
  const lines = [];
  for (const part of text.split(" · ")) {
    const joined = lines.length ? `${lines[lines.length - 1]} · ${part}` : part;
    if (lines.length && textUnits(joined) <= columns) lines[lines.length - 1] = joined;
    else lines.push(...wrapText(part, columns));
  }
  return lines.join("<br>");
}

// the end labels alone (see endMarks)
export const endLabels = (tracks, options, narrow, ceiling = Infinity, plotPx = PLOT_PX) =>
  endMarks(tracks, options, narrow, { ceiling, plotPx }).labels;

const LEADER = { color: KEY_COLOR, width: 1, dash: "dot" };
// a label's height in pixels: its lines, the padding and the border
const labelPx = (text, size) => text.split("<br>").length * size * 1.3 + 6;

// what Plotly's autorange spans (axis units): the lowest to the highest value drawn
function dataSpan(tracks, logY, ceiling) {
  const high = Math.min(Math.max(...tracks.map(highest)), ceiling);
  if (!logY) return [Math.min(0, ...tracks.map(({ run }) => minFinite(run.loss, run.n))), high];
  const low = Math.min(...tracks.map(({ run }) => minPositive(run.loss, run.n)),
    ...tracks.flatMap(({ run }) => run.evals.flatMap((e) => [e.train_loss, e.val_loss])).filter((v) => v > 0));
  return [Math.log10(low), Math.log10(high)];
}

function minFinite(values, n) {
  let low = Infinity;
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i]) && values[i] < low) low = values[i];
  return low;
}

export function lossRange(tracks, logY) {
  return calmRange(tracks.filter((s) => s.run.n).map((s) => ({ diverged: diverged(s),
    top: maxFinite(s.run.loss, s.run.n), low: minPositive(s.run.loss, s.run.n) })), logY);
}

function axes(mode, logX, logY, range) {
  return {
    xaxis: { title: { text: plain(t(`x_${mode}`)), standoff: X_TITLE_STANDOFF }, automargin: true, zeroline: false,
      type: logX ? "log" : "linear" },
    // powers of ten on a log axis ("10⁻⁸"), not SI prefixes ("10n") nobody reads as a loss
    yaxis: { title: { text: plain(t("loss_axis")) }, type: logY ? "log" : "linear", exponentformat: "power", ...(range ? { range, autorange: false } : {}) },
  };
}

// {data, layout} of a loss chart of these tracks; epochs: draw epoch lines (a run's own chart)
// height: the chart's height in pixels (the label spacing needs the plot's)
export function lossFigure(tracks, options, { title, width, height = 0, epochs = false }) {
  const { mode, logX, logY } = options;
  const narrow = isNarrow(width);
  const range = lossRange(tracks, logY);
  const ceiling = ceilingOf(range, logY);
  const perRow = Math.max(1, Math.floor((width - LEGEND_SIDES_PX) / LEGEND_ENTRY_PX));
  const legendRows = narrow || epochs ? 0 : Math.ceil((tracks.length + 3) / perRow);
  const plotPx = height > 0 ? Math.max(MIN_PLOT_PX, height - MARGIN.t - MARGIN.b - X_TITLE_PX - LEGEND_ROW_PX * legendRows) : PLOT_PX;
  const { labels, leaders } = endMarks(tracks, options, narrow, { ceiling, plotPx, range, width });
  const layout = {
    title: { text: plain(title), font: { size: 14 } },
    margin: { ...MARGIN },
    ...axes(mode, logX, logY, range),
    legend: { ...FOOT_LEGEND }, // a copy: Plotly keeps (and may change) the layout it is given
    showlegend: !narrow && !epochs,
    hovermode: "closest",
    shapes: [...(epochs ? tracks.flatMap((s) => epochLines(s, mode)) : []), ...leaders],
    annotations: labels,
    uirevision: `${mode}-${logX}-${logY}-${range ? "kept" : "auto"}`,
  };
  const data = tracks.flatMap((s) => runTraces(s, mode, !epochs, ceiling, logX));
  return { data: epochs ? data : [...data, ...styleKey(tracks)], layout };
}

// A chart that shows only a message (a question still open, a view with nothing to draw), wrapped
// to the chart's width as nothing wraps text in a chart.
export function messageFigure(text, width, title = "") {
  const lines = wrapText(text, Math.max(20, Math.floor(((width || 600) - MARGIN.l - MARGIN.r) / 7.5)));
  const hidden = { visible: false, range: [0, 1] };
  return { data: [], layout: { title: { text: plain(title), font: { size: 14 } }, margin: { ...MARGIN },
    xaxis: hidden, yaxis: hidden, showlegend: false, annotations: [{ text: lines.map(plain).join("<br>"),
      xref: "paper", yref: "paper", x: 0.5, y: 0.5, showarrow: false, font: { size: 12, color: TEXT_COLOR } }] } };
}

// The chart's text alternative: every run's updates, status and final training loss.
export function summary(tracks) {
  return tracks.map(({ plan, run }) => t("chart_summary_run", { label: plan.label, updates: updatesText(plan, run),
    status: statusText(run, plan), loss: formatNumber(finalTrainLoss(plan, run)) })).join("; ");
}
