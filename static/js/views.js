// Views inside the descent: loss landscape with paths, data and fit, gradient noise, overfitting.
// All are fed by the same stream as the loss curves and drawn at most once per animation frame.
import { COLORS, CONFIG, DASHES, FOOT_LEGEND, MARGIN_BOTTOM, X_TITLE_STANDOFF } from "./chart.js";
import { formatNumber, plain, t } from "./i18n.js";

const NOISE_BUCKETS = 600;

function layout(x, y, extra = {}) {
  const { xaxis = {}, yaxis = {}, ...rest } = extra;
  return { margin: { l: 55, r: 10, t: 10, b: MARGIN_BOTTOM },
    xaxis: { automargin: true, ...xaxis, title: { text: x, standoff: X_TITLE_STANDOFF } }, yaxis: { ...yaxis, title: { text: y } },
    legend: { ...FOOT_LEGEND, font: { size: 10 } }, hovermode: "closest", ...rest };
}

// [low, high] of finite values, padded: axes set from the data, so a diverged run cannot stretch them
function span(values, pad = 0.08) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return undefined;
  const lo = Math.min(...finite), hi = Math.max(...finite);
  const margin = (hi - lo || Math.abs(hi) || 1) * pad;
  return [lo - margin, hi + margin];
}

function style(i) {
  return { color: COLORS[i % COLORS.length], dash: DASHES[i % DASHES.length] };
}

export class Views {
  constructor(root, wanted) {
    this.root = root;
    this.wanted = wanted; // names of the views to show
    this.panels = {};
    for (const name of ["landscape", "fit", "noise", "overfit"]) {
      const panel = root.querySelector(`[data-view=${name}]`);
      if (panel) this.panels[name] = { el: panel, chart: panel.querySelector(".chart") };
    }
  }

  reset(plans, query) {
    this.plans = plans;
    this.runs = plans.map(() => ({ path: [], cos: new Float64Array(0), n: 0, evals: [], boundary: null }));
    this.landscape = null;
    this.data = null;
    const first = plans[0];
    const linear = first.config.dataset === "linear" && first.model === "linear" && first.loss === "mse";
    this.show("landscape", linear);
    this.show("fit", linear || first.config.dataset === "moons");
    this.show("noise", true);
    this.show("overfit", plans.some((p) => p.n_val > 0));
    const fetchJSON = (url) => fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null);
    if (this.visible("landscape")) fetchJSON(`/api/landscape?${query}`).then((d) => { this.landscape = d; this.request(); });
    if (this.visible("fit")) fetchJSON(`/api/dataset?${query}`).then((d) => { this.data = d; this.request(); });
    this.request();
  }

  show(name, possible) {
    const panel = this.panels[name];
    if (panel) panel.el.hidden = !(possible && this.wanted.includes(name));
  }

  visible(name) {
    return this.panels[name] && !this.panels[name].el.hidden;
  }

  addPath(d) { this.runs[d.run].path.push(...d.points); this.request(); }
  setBoundary(d) { this.runs[d.run].boundary = d; this.request(); }
  addEval(d) { this.runs[d.run].evals.push(d); this.request(); }
  markDone(d) { this.runs[d.run].status = d.status; this.request(); }

  addCosine(d) {
    if (!d.grad_cosine) return;
    const run = this.runs[d.run];
    const end = d.first_update - 1 + d.grad_cosine.length;
    if (run.cos.length < end) {
      const grown = new Float64Array(this.plans[d.run].total_updates);
      grown.set(run.cos.subarray(0, run.n));
      run.cos = grown;
    }
    d.grad_cosine.forEach((c, i) => { run.cos[d.first_update - 1 + i] = c === null ? NaN : c; });
    run.n = Math.max(run.n, end);
    this.request();
  }

  request() {
    if (this.queued) return;
    this.queued = true;
    setTimeout(() => requestAnimationFrame(() => { this.queued = false; this.draw(); }), 100);
  }

  draw() {
    if (!window.Plotly || !this.plans) return;
    if (this.visible("landscape")) this.drawLandscape();
    if (this.visible("fit")) this.drawFit();
    if (this.visible("noise")) this.drawNoise();
    if (this.visible("overfit")) this.drawOverfit();
  }

  name(i) { return plain(this.plans[i].label); }

  // a chart's text alternative: its title, then one number per run
  describe(view, perRun) {
    const parts = this.runs.map((run, i) => perRun(run, i)).filter(Boolean);
    this.panels[view].chart.setAttribute("aria-label", [t(`view_${view}`), ...parts].join("; "));
  }

  drawLandscape() {
    const land = this.landscape;
    if (!land) return;
    const traces = [
      { type: "contour", x: land.w, y: land.b, z: land.loss, name: plain(t("loss_axis")), showscale: false,
        colorscale: "Viridis", reversescale: true, opacity: 0.75, ncontours: 30, hoverinfo: "skip",
        contours: { coloring: "heatmap", showlines: true } },
      { type: "scatter", mode: "markers", x: [land.minimum.w], y: [land.minimum.b], name: plain(t("minimum")),
        marker: { symbol: "star", size: 16, color: "#fff", line: { color: "#000", width: 1.5 } } },
    ];
    this.runs.forEach((run, i) => {
      const { color, dash } = style(i);
      traces.push({ type: "scatter", mode: "lines+markers", name: this.name(i), x: run.path.map((p) => p[1]),
        y: run.path.map((p) => p[2]), line: { color, dash, width: 2 }, marker: { size: 3, color },
        customdata: run.path.map((p) => p[0]),
        hovertemplate: `${this.name(i)}<br>${plain(t("update"))} %{customdata}<br>w %{x:.4f}<br>b %{y:.4f}<extra></extra>` });
    });
    this.describe("landscape", (run, i) => run.path.length &&
      `${this.plans[i].label}: w ${formatNumber(run.path[run.path.length - 1][1])}, b ${formatNumber(run.path[run.path.length - 1][2])}`);
    Plotly.react(this.panels.landscape.chart, traces,
      layout("w", "b", { xaxis: { range: [land.w[0], land.w[land.w.length - 1]] },
        yaxis: { range: [land.b[0], land.b[land.b.length - 1]] }, uirevision: "landscape" }), CONFIG);
  }

  drawFit() {
    const data = this.data;
    if (!data) return;
    const traces = [];
    const classes = data.task === "classification";
    const sets = [["data_train", data.X_train, data.y_train, 0.55], ["data_val", data.X_val, data.y_val, 0.35]];
    for (const [key, X, y, opacity] of sets) {
      if (!X.length) continue;
      if (classes) {
        for (const c of [0, 1]) {
          const idx = y.map((v, i) => (v === c ? i : -1)).filter((i) => i >= 0);
          traces.push({ type: "scatter", mode: "markers", name: `${plain(t(key))} · ${plain(t("class_n", { n: c }))}`,
            x: idx.map((i) => X[i][0]), y: idx.map((i) => X[i][1]), opacity,
            marker: { size: 5, symbol: c ? "x" : "circle", color: c ? "#D55E00" : "#0072B2" } });
        }
      } else {
        traces.push({ type: "scatter", mode: "markers", name: plain(t(key)), x: X.map((r) => r[0]), y: y.map((r) => r[0]),
          opacity, marker: { size: 4, color: "#777" } });
      }
    }
    this.runs.forEach((run, i) => {
      const { color, dash } = style(i);
      if (classes && run.boundary) {
        const g = run.boundary.grid;
        const axis = (r) => Array.from({ length: g.n }, (_, k) => r[0] + (k * (r[1] - r[0])) / (g.n - 1));
        const z = Array.from({ length: g.n }, (_, r) => run.boundary.probs.slice(r * g.n, (r + 1) * g.n));
        traces.push({ type: "contour", x: axis(g.x0), y: axis(g.x1), z, name: this.name(i), showscale: false,
          showlegend: true, hoverinfo: "skip", contours: { start: 0.5, end: 0.5, size: 1, coloring: "none" },
          line: { color, dash, width: 2.5 } });
      } else if (!classes && run.path.length) {
        const [, w, b] = run.path[run.path.length - 1];
        const xs = data.X_train.map((r) => r[0]);
        const lo = Math.min(...xs), hi = Math.max(...xs);
        traces.push({ type: "scatter", mode: "lines", name: this.name(i), x: [lo, hi], y: [w * lo + b, w * hi + b],
          line: { color, dash, width: 2.5 } });
      }
    });
    const all = [...data.X_train, ...data.X_val];
    const xRange = span(all.map((r) => r[0]));
    const yRange = span(classes ? all.map((r) => r[1]) : [...data.y_train, ...data.y_val].map((r) => r[0]), 0.15);
    this.describe("fit", (run, i) => (run.path.length ? `${this.plans[i].label}: y = ${formatNumber(run.path[run.path.length - 1][1])} x + ${formatNumber(run.path[run.path.length - 1][2])}`
      : run.boundary && `${this.plans[i].label}: ${t("update")} ${run.boundary.update}`));
    Plotly.react(this.panels.fit.chart, traces, layout(classes ? "x₀" : "x", classes ? "x₁" : "y", {
      xaxis: { range: xRange }, yaxis: { range: yRange }, uirevision: "fit" }), CONFIG);
  }

  drawNoise() {
    const traces = [];
    this.runs.forEach((run, i) => {
      if (!run.n) return;
      const size = Math.max(1, Math.ceil(run.n / NOISE_BUCKETS));
      const x = [], y = [];
      for (let s = 0; s < run.n; s += size) {
        let sum = 0, count = 0;
        for (let k = s; k < Math.min(run.n, s + size); k++) if (Number.isFinite(run.cos[k])) { sum += run.cos[k]; count++; }
        if (count) { x.push(Math.min(run.n, s + size) / this.plans[i].iterations_per_epoch); y.push(sum / count); }
      }
      const { color, dash } = style(i);
      traces.push({ type: "scatter", mode: "lines", name: this.name(i), x, y, line: { color, dash, width: 2 } });
    });
    this.describe("noise", (run, i) => {
      const measured = Array.from(run.cos.subarray(0, run.n)).filter(Number.isFinite);
      return measured.length && `${this.plans[i].label}: ${formatNumber(measured.reduce((a, b) => a + b, 0) / measured.length)}`;
    });
    Plotly.react(this.panels.noise.chart, traces,
      layout(plain(t("x_epochs")), plain(t("cosine_axis")), { yaxis: { range: [-1.05, 1.05] },
        uirevision: "noise" }), CONFIG);
  }

  drawOverfit() {
    const traces = [];
    const shapes = [];
    this.runs.forEach((run, i) => {
      const plan = this.plans[i];
      if (!plan.n_val) return;
      const { color, dash } = style(i);
      const ev = run.evals;
      const x = ev.map((e) => e.epoch);
      traces.push({ type: "scatter", mode: "lines", name: `${this.name(i)} · ${plain(t("train_loss"))}`, x,
        y: ev.map((e) => e.train_loss), line: { color, dash, width: 1.5 } });
      traces.push({ type: "scatter", mode: "lines+markers", name: `${this.name(i)} · ${plain(t("val_loss"))}`, x,
        y: ev.map((e) => e.val_loss), line: { color, dash: "dot", width: 2 }, marker: { size: 4, color } });
      const ends = ev.filter((e) => e.update > 0 && Number.isInteger(e.epoch) && e.val_loss !== null);
      if (!ends.length) return;
      const best = ends.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
      traces.push({ type: "scatter", mode: "markers", name: `${this.name(i)} · ${plain(t("best_epoch"))} ${best.epoch}`,
        x: [best.epoch], y: [best.val_loss], marker: { symbol: "star", size: 14, color, line: { color: "#000", width: 1 } } });
      const last = ev[ev.length - 1].epoch;
      if (last > best.epoch) {
        shapes.push({ type: "rect", xref: "x", yref: "paper", x0: best.epoch, x1: last, y0: 0, y1: 1,
          fillcolor: color, opacity: 0.08, line: { width: 0 } });
      }
    });
    // the loss axis from the runs that did not diverge, up to 10x their largest loss
    const calm = this.runs.filter((r) => r.status !== "diverged").flatMap((r) => r.evals.flatMap((e) => [e.train_loss, e.val_loss]));
    const top = Math.max(0, ...calm.filter(Number.isFinite));
    const diverged = this.runs.some((r) => r.status === "diverged");
    this.describe("overfit", (run, i) => {
      const last = run.evals[run.evals.length - 1];
      return last && last.val_loss !== null && `${this.plans[i].label}: ${t("val_loss")} ${formatNumber(last.val_loss)}`;
    });
    Plotly.react(this.panels.overfit.chart, traces, layout(plain(t("x_epochs")), plain(t("loss_axis")), {
      shapes, uirevision: "overfit", ...(diverged && top > 0 ? { yaxis: { range: [0, top * 1.1] } } : {}) }),
    CONFIG);
  }
}
