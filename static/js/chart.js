// The loss charts: all runs on #chart-overlay and one small chart per run. Each keeps its runs'
// smoothed and decimated losses up to date incrementally and draws lossFigure() when its data
// changed and it is on screen (frames.js). While a lesson's question is open (predictionPending)
// they show no curve, count or label, only a request to answer first.
import { Decimator } from "./decimate.js";
import { lossFigure, messageFigure, summary } from "./figure.js";
import { updatesText } from "./format.js";
import { t } from "./i18n.js";
import { Smoother, smoothingWeight } from "./smoothing.js";
import { plotly, plotlyReady, prefetchPlotly } from "./plotly.js";
import { predictionPending } from "./store.js";
import { PLOTLY_CONFIG, PNG_SIZE, isNarrow } from "./theme.js";

const RUN_CHANGES = new Set(["points", "eval", "done"]);
// the chart options the server's picture is drawn with (app/picture.py): with them it shows what
// the live chart would, so the live chart (plotly's ~1 s of script on a phone) waits until the
// student reaches for it; with others (a log axis, updates on x) plotly loads at once
const PICTURED = { mode: "epochs", logX: false, logY: false, smoothing: null };
// what reaching for the chart is: a pointer over it (or moving there: it may have been there as the
// page loaded), a touch, focus or a key on its picture
const REACHING = ["pointerenter", "pointermove", "pointerdown", "touchstart", "focusin", "keydown"];

export class LossCharts {
  constructor(store, frames, overlayEl, runsEl) {
    Object.assign(this, { store, frames, overlayEl, runsEl, tracks: [], small: [] });
    // the server's picture of the curves (not with predict=true), until the live chart shows every run
    this.picture = overlayEl.querySelector("#chart-picture");
    // a cached comparison's picture shows every run's whole curve: the live chart is drawn when
    // the student reaches for it (hover values, zoom), changes its options, or runs something else
    this.waiting = Boolean(this.picture) && pictured(store.state.options);
    for (const type of REACHING) overlayEl.addEventListener(type, () => this.explore(), { once: true, passive: true });
    // a picture that could not load shows nothing: the live chart then, without waiting
    if (this.picture && this.picture.complete && !this.picture.naturalWidth) this.waiting = false;
    if (this.picture) this.picture.addEventListener("error", () => this.explore(), { once: true });
    this.overlay = frames.add(overlayEl, () => this.drawOverlay());
    frames.mark(this.overlay); // empty axes until a stream starts
    store.subscribe((change) => this.changed(change));
    // Plotly's `responsive` follows the window only; the page's flex boxes also change size (the
    // table fills in, a panel opens), so the chart follows its own box; crossing the narrow
    // width changes labels and legend: only then is a whole redraw due
    new ResizeObserver((entries) => {
      for (const { target, contentRect } of entries) {
        if (!target.layout || !window.Plotly) continue;
        Plotly.Plots.resize(target);
        if (isNarrow(contentRect.width) === target.layout.showlegend) this.frames.mark(this.overlay);
      }
    }).observe(overlayEl);
  }

  changed(change) {
    if (change.type === "start") this.reset();
    else if (["options", "stopped"].includes(change.type)) this.explore(); // the picture would no longer be the chart
    else if (change.type === "end" && this.waiting) prefetchPlotly();
    if (["options", "stopped", "asking"].includes(change.type)) this.markAll();
    else if (RUN_CHANGES.has(change.type)) {
      this.frames.mark(this.overlay);
      if (this.small[change.run]) this.frames.mark(this.small[change.run].view);
    }
  }

  markAll() {
    this.frames.mark(this.overlay);
    for (const s of this.small) this.frames.mark(s.view);
  }

  reset() {
    const { plan, results } = this.store.state;
    if (this.picture && !this.picture.getAttribute("src").startsWith(`/api/picture?${plan.query}&`)) this.unveil();
    this.tracks = plan.runs.map((p, i) => ({ index: i, plan: p, run: results[i], dec: new Decimator(),
      smoother: new Smoother(p.total_updates), smoothed: null }));
    for (const s of this.small) this.frames.remove(s.view);
    const pending = predictionPending(this.store.state);
    this.small = this.tracks.map((track) => {
      const el = document.createElement("div");
      el.className = "chart small";
      el.setAttribute("role", "img");
      // until it draws (on screen), its name and planned updates, unless they would answer the question
      el.setAttribute("aria-label", pending ? track.plan.label : `${track.plan.label}: ${updatesText(track.plan)}`);
      track.view = this.frames.add(el, () => this.drawSmall(track, el));
      return { el, view: track.view };
    });
    this.runsEl.replaceChildren(...this.small.map((s) => s.el));
    this.markAll();
  }

  // bring a track's derived series up to the data received
  prepare(track) {
    const { run, plan } = track;
    track.dec.update(run.loss, run.n);
    const { smoothing, logY } = this.store.state.options;
    track.smoothed = track.smoother.update(run.loss, run.n, smoothingWeight(plan, smoothing), logY); // log y: geometric
    return track;
  }

  // the figure of these tracks, or while the question is open a request to answer it first
  figure(tracks, el, title, epochs = false) {
    if (predictionPending(this.store.state)) return { ...messageFigure(t("predict_first"), el.clientWidth, title), label: t("predict_first") };
    const figure = lossFigure(tracks.map((s) => this.prepare(s)), this.store.state.options, { title, width: el.clientWidth, height: el.clientHeight, epochs });
    return { ...figure, label: summary(tracks) };
  }

  // drawn once plotly has loaded (fetched on the first draw; the picture stands in meanwhile)
  ready(view) {
    return plotlyReady(() => this.frames.mark(view)) !== null;
  }

  // the student reached for the chart: the live one replaces the picture once it has drawn
  explore() {
    if (!this.waiting) return;
    this.waiting = false;
    this.frames.mark(this.overlay);
  }

  drawOverlay() {
    if (this.waiting || !this.ready(this.overlay)) return true;
    const { data, layout, label } = this.figure(this.tracks, this.overlayEl, t("all_runs"));
    Plotly.react(this.overlayEl, data, layout, PLOTLY_CONFIG);
    if (this.picture && this.tracks.length && this.tracks.every((s) => s.run.n > 0)) this.unveil();
    // named as an image once it is one (while the picture's button is in it, the button speaks),
    // and a Tab stop as the button was: its name gives each run's count and final loss
    if (!this.picture) {
      this.overlayEl.setAttribute("aria-label", `${t("loss_chart_name")}: ${label}`);
      this.overlayEl.tabIndex = 0;
    }
    return true;
  }

  // the picture (and its button) leave; the box is the chart's image again, focus stays in it
  unveil() {
    const box = this.picture.closest("button") || this.picture;
    const focused = box.contains(document.activeElement);
    box.remove();
    this.picture = null;
    this.waiting = false;
    this.overlayEl.setAttribute("role", "img");
    this.overlayEl.tabIndex = 0;
    if (focused) this.overlayEl.focus({ preventScroll: true });
  }

  drawSmall(track, el) {
    if (!this.ready(track.view)) return true;
    const { data, layout, label } = this.figure([track], el, track.plan.label, true);
    Plotly.react(el, data, layout, PLOTLY_CONFIG);
    el.setAttribute("aria-label", `${track.plan.label}: ${label}`);
    return true;
  }

  async png() {
    this.explore();
    await plotly();
    this.drawOverlay(); // drawn now, not at the next frame: the download reads the drawn chart
    return Plotly.downloadImage(this.overlayEl, { format: "png", filename: "gradient-descent", ...PNG_SIZE });
  }
}

const pictured = (options) => Object.entries(PICTURED).every(([key, value]) => options[key] === value);
