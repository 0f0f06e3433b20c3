// The loss chart as a pure function of the runs and the chart options: the range first (one rule,
// ranges.js), then the traces and end labels drawn within it. No DOM; Plotly only draws the result.
import { endLabel, endedEarly, formatNumber, plain, statusText } from "./format.js";
import { t } from "./i18n.js";
import { calmRange, ceilingOf } from "./ranges.js";
import { lastFinite, maxFinite, minPositive, xAt } from "./run.js";
import { FOOT_LEGEND, MARGIN, MAX_EPOCH_LINES, TEXT_COLOR, X_TITLE_STANDOFF, isNarrow, runStyle } from "./theme.js";

// A track is what one run's traces are drawn from: {index, plan, run, smoothed, dec}
// (run: the store's data; smoothed: its smoothed losses; dec: its losses' decimator).

function hover() {
  return `%{fullData.name}<br>${plain(t("update"))} %{customdata[0]}<br>${plain(t("epoch"))} %{customdata[1]:.3f}` +
    `<br>${plain(t("loss_axis"))} %{y:.5g}<extra></extra>`;
}

const customdata = (plan, ks) => ks.map((k) => [k, k / plan.iterations_per_epoch]);
const diverged = (track) => track.run.status === "diverged";

// raw losses as each bucket's min and max (the noise envelope), smoothed as each bucket's end
function decimated(track, mode) {
  const { plan, run, dec, smoothed } = track;
  const raw = dec.envelope().map((i) => i + 1);
  const ends = Array.from({ length: dec.buckets }, (_, b) => dec.end(b));
  const at = (ks, ys) => ({ x: ks.map((k) => xAt(plan, run, k, mode)), y: ks.map((k) => ys[k - 1]), k: ks });
  return { raw: at(raw, run.loss), smooth: at(ends, smoothed) };
}

function divergedMarker(track, mode, ceiling, name) {
  const { plan, run } = track;
  const { color } = runStyle(track.index);
  const k = Math.max(1, lastFinite(run.loss, run.n));
  return { type: "scatter", mode: "markers", name: `${name} · ${plain(statusText(run))}`, legendgroup: `run${track.index}`,
    x: [xAt(plan, run, k, mode)], y: [Math.min(run.loss[k - 1], ceiling)], cliponaxis: false,
    marker: { symbol: "x-thin-open", size: 14, color, line: { width: 3, color } },
    showlegend: false, customdata: customdata(plan, [run.n]), hovertemplate: hover() };
}

// meta: the contract's page hook (run and series); helper traces, like the diverged marker, carry none
export function runTraces(track, mode, showLegend, ceiling = Infinity) {
  const { index: i, plan, run } = track;
  const { color, dash } = runStyle(i);
  const name = plain(plan.label);
  const { raw, smooth } = decimated(track, mode);
  const evalX = run.evals.map((e) => xAt(plan, run, e.update, mode));
  const evalData = customdata(plan, run.evals.map((e) => e.update));
  const base = { type: "scatter", legendgroup: `run${i}`, hovertemplate: hover() };
  const of = (series) => ({ ...base, meta: { run: i, series } });
  const out = [
    { ...of("loss"), name: `${name} · ${plain(t("minibatch_loss"))}`, x: raw.x, y: raw.y, customdata: customdata(plan, raw.k),
      mode: "lines", line: { color, width: 1 }, opacity: 0.3, showlegend: false },
    { ...of("smoothed"), name: `${name} · ${plain(t("smoothed"))}`, x: smooth.x, y: smooth.y,
      customdata: customdata(plan, smooth.k), mode: "lines", line: { color, width: 2.5, dash }, showlegend: showLegend },
    { ...of("train_eval"), name: `${name} · ${plain(t("train_loss"))}`, x: evalX, y: run.evals.map((e) => e.train_loss),
      customdata: evalData, mode: "lines+markers", marker: { color, size: 5, symbol: "circle" },
      line: { color, width: 1.5, dash }, showlegend: false },
  ];
  if (diverged(track) && run.n) out.push(divergedMarker(track, mode, ceiling, name));
  if (plan.n_val > 0) {
    out.push({ ...of("val_eval"), name: `${name} · ${plain(t("val_loss"))}`, x: evalX, y: run.evals.map((e) => e.val_loss),
      customdata: evalData, mode: "lines+markers", marker: { color, size: 6, symbol: "diamond-open" },
      line: { color, width: 1.5, dash: "dot" }, showlegend: false });
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
      line: { color: "rgba(0,0,0,0.15)", width: 1, dash: "dot" } });
  }
  return shapes;
}

// Each run's end carries its update count ("SGD · 20000 updates"), so the lesson reads off the chart.
// Annotations do not stretch the axes, unlike text on markers. Each label points at its run's
// last point from a slot of its own in the upper part of the chart (top curve first), so labels
// never cover each other. On a narrow chart a diverged run's status takes a second line, and
// every label opens towards the middle, so none runs off the chart.
export function endLabels(tracks, { mode, logX, logY }, narrow, ceiling = Infinity) {
  const named = new Set(tracks.map((s) => s.plan.variant)).size < tracks.length;
  const ends = tracks.filter((s) => s.run.n).map((s) => {
    const k = Math.max(1, lastFinite(s.run.loss, s.run.n));
    const y = Math.min(diverged(s) ? s.run.loss[k - 1] : s.smoothed[k - 1], ceiling);
    return { s, k, y };
  }).filter((e) => Number.isFinite(e.y) && (!logY || e.y > 0)).sort((a, b) => b.y - a.y);
  if (!ends.length) return [];
  const scale = (v) => (logY ? Math.log10(v) : v);
  const top = scale(Math.min(Math.max(...tracks.map((s) => maxFinite(s.run.loss, s.run.n))), ceiling));
  const bottom = logY ? Math.min(...ends.map((e) => scale(e.y))) : 0;
  const step = (top - bottom) / (ends.length + 2);
  const at = (s, k) => (logX ? Math.log10(xAt(s.plan, s.run, k, mode)) : xAt(s.plan, s.run, k, mode));
  const xs = tracks.flatMap((s) => [at(s, 1), at(s, Math.max(1, s.plan.total_updates))]).filter(Number.isFinite);
  const middle = (Math.min(...xs) + Math.max(...xs)) / 2;
  return ends.map(({ s, k, y }, rank) => {
    const text = plain(endLabel(s.plan, s.run, named));
    const x = at(s, k);
    const { color } = runStyle(s.index);
    return { x, y: scale(y), text: narrow && endedEarly(s.plan, s.run) ? text.replace(/ · (?!.* · )/, "<br>") : text, showarrow: true, arrowhead: 0,
      arrowcolor: color, axref: "x", ayref: "y", ax: x, ay: top - step * (rank + 0.5),
      xanchor: x > middle ? "right" : "left", align: x > middle ? "right" : "left",
      font: { size: narrow ? 10 : 11, color: TEXT_COLOR }, bgcolor: "rgba(255,255,255,0.9)", bordercolor: color, borderwidth: 1 };
  });
}

export function lossRange(tracks, logY) {
  return calmRange(tracks.filter((s) => s.run.n).map((s) => ({ diverged: diverged(s),
    top: maxFinite(s.run.loss, s.run.n), low: minPositive(s.run.loss, s.run.n) })), logY);
}

// {data, layout} of a loss chart of these tracks; epochs: draw epoch lines (a run's own chart)
export function lossFigure(tracks, options, { title, width, epochs = false }) {
  const { mode, logX, logY } = options;
  const narrow = isNarrow(width);
  const range = lossRange(tracks, logY);
  const ceiling = ceilingOf(range, logY);
  const layout = {
    title: { text: plain(title), font: { size: 14 } },
    margin: { ...MARGIN },
    xaxis: { title: { text: plain(t(`x_${mode}`)), standoff: X_TITLE_STANDOFF }, automargin: true, zeroline: false,
      type: logX ? "log" : "linear" },
    yaxis: { title: { text: plain(t("loss_axis")) }, type: logY ? "log" : "linear", ...(range ? { range, autorange: false } : {}) },
    legend: { ...FOOT_LEGEND }, // a copy: Plotly keeps (and may change) the layout it is given
    showlegend: !narrow,
    hovermode: "closest",
    shapes: epochs ? tracks.flatMap((s) => epochLines(s, mode)) : [],
    annotations: endLabels(tracks, options, narrow, ceiling),
    uirevision: `${mode}-${logX}-${logY}-${range ? "kept" : "auto"}`,
  };
  return { data: tracks.flatMap((s) => runTraces(s, mode, !epochs, ceiling)), layout };
}

// The chart's text alternative: every run's updates, final loss and status.
export function summary(tracks) {
  return tracks.map(({ plan, run }) => {
    const last = run.evals.length ? run.evals[run.evals.length - 1].train_loss : run.loss[lastFinite(run.loss, run.n) - 1];
    return t("chart_summary", { label: plan.label, n: run.updates ?? run.n, loss: formatNumber(last), status: statusText(run) });
  }).join("; ");
}
