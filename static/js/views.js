// The views inside the descent (#views panels): which show for a comparison, what they fetch,
// and which store changes redraw which of them (a view on screen redraws only for its own data).
// A view with nothing to draw says why; while a lesson's question is open, none shows anything.
import { Decimator } from "./decimate.js";
import { messageFigure } from "./figure.js";
import { t } from "./i18n.js";
import { plotlyReady } from "./plotly.js";
import { predictionPending } from "./store.js";
import { PLOTLY_CONFIG } from "./theme.js";
import { emptyView, fitFigure, landscapeFigure, noiseFigure, overfitFigure } from "./viewfigures.js";

const VIEW_NAMES = ["landscape", "fit", "noise", "overfit"];
// the server data a view draws, fetched when it first comes on screen
const SOURCES = { landscape: "/api/landscape", fit: "/api/dataset" };
// store change -> the views that show it (stopped: the noise view says why a stopped run has no
// cosines; points: only a batch that brought some cosines, see shownIn)
const SHOWN_IN = { points: ["noise"], path: ["landscape", "fit"], boundary: ["fit"], eval: ["overfit"],
  done: ["overfit", "noise"], stopped: ["noise"], asking: VIEW_NAMES };

// the views a store change redraws
export function shownIn(change) {
  if (change.type === "points" && !change.cosines) return [];
  return SHOWN_IN[change.type] || [];
}

// the answer's JSON, or {refused: status} (0: no answer at all)
const fetchJSON = (url) => fetch(url).then((r) => (r.ok ? r.json() : { refused: r.status })).catch(() => ({ refused: 0 }));

export class Views {
  constructor(store, frames, root, wanted) {
    Object.assign(this, { store, frames, wanted, fetched: {}, noise: [] });
    this.panels = {};
    for (const name of VIEW_NAMES) {
      const el = root.querySelector(`[data-view=${name}]`);
      if (!el) continue;
      const chart = el.querySelector(".chart");
      this.panels[name] = { el, chart, view: frames.add(chart, () => this.draw(name)) };
    }
    store.subscribe((change) => this.changed(change));
  }

  changed(change) {
    if (change.type === "start") this.reset();
    for (const name of shownIn(change)) if (this.panels[name]) this.frames.mark(this.panels[name].view);
  }

  // which views this comparison has, and the data they fetch once
  reset() {
    const { plan, results } = this.store.state;
    const first = plan.runs[0];
    const linear = first.config.dataset === "linear" && first.model === "linear" && first.loss === "mse";
    this.show("landscape", linear);
    this.show("fit", linear || first.config.dataset === "moons");
    this.show("noise", true);
    this.show("overfit", plan.runs.some((p) => p.n_val > 0));
    this.caption("fit", first.config.dataset === "moons" ? "note_fit_boundary" : "note_fit_line");
    this.noise = results.map(() => new Decimator());
    this.fetched = {};
    for (const panel of Object.values(this.panels)) this.frames.mark(panel.view);
  }

  show(name, possible) {
    const panel = this.panels[name];
    if (panel) panel.el.hidden = !(possible && this.wanted.includes(name));
  }

  // a caption that says only what this comparison's view draws
  caption(name, key) {
    const note = this.panels[name] && this.panels[name].el.querySelector("figcaption p");
    if (note) note.textContent = t(key);
  }

  visible(name) {
    return this.panels[name] && !this.panels[name].el.hidden;
  }

  // its data, fetched once for this comparison (the first draw is on screen: frames.js)
  fetch(name) {
    const { query } = this.store.state;
    this.fetched[name] = null; // on the way
    fetchJSON(`${SOURCES[name]}?${query}`).then((d) => {
      if (this.store.state.query !== query) return; // a newer comparison took over
      this.fetched[name] = d;
      this.frames.mark(this.panels[name].view);
    });
  }

  // a fetched view's figure: undefined while its data is on the way, a reason when it was refused
  fetchedFigure(name, width, draw) {
    if (this.fetched[name] === undefined) this.fetch(name);
    const d = this.fetched[name];
    if (!d || !d.refused) return d && draw(d);
    const first = this.store.state.plan.runs[0];
    const large = name === "fit" && d.refused === 422;
    return emptyView(name, large ? t("fit_why_large", { n: first.n_train + first.n_val }) : t("view_failed"), width);
  }

  figure(name, width) {
    const { plan, results } = this.store.state;
    if (predictionPending(this.store.state)) return { ...messageFigure(t("predict_first"), width), label: t("predict_first") };
    if (name === "landscape") return this.fetchedFigure(name, width, (d) => landscapeFigure(plan.runs, results, d));
    if (name === "fit") return this.fetchedFigure(name, width, (d) => fitFigure(plan.runs, results, d));
    if (name === "overfit") return overfitFigure(plan.runs, results);
    results.forEach((run, i) => this.noise[i].update(run.cos, run.cosN));
    return noiseFigure(plan.runs, results, this.noise, width);
  }

  draw(name) {
    if (!this.store.state.plan || !this.visible(name)) return true;
    const figure = this.figure(name, this.panels[name].chart.clientWidth);
    if (!figure) return true; // its data is still on the way
    if (!plotlyReady(() => this.frames.mark(this.panels[name].view))) return true; // drawn once it loads
    const { chart } = this.panels[name];
    chart.setAttribute("aria-label", figure.label);
    Plotly.react(chart, figure.data, figure.layout, PLOTLY_CONFIG);
    return true;
  }
}
