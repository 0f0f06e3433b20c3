// The views inside the descent (#views panels): which show for a comparison, what they fetch,
// and which store changes redraw which of them (a view on screen redraws only for its own data).
import { Decimator } from "./decimate.js";
import { PLOTLY_CONFIG } from "./theme.js";
import { fitFigure, landscapeFigure, noiseFigure, overfitFigure } from "./viewfigures.js";

// store change -> the views that show it
const SHOWN_IN = { points: ["noise"], path: ["landscape", "fit"], boundary: ["fit"], eval: ["overfit"], done: ["overfit"] };

const fetchJSON = (url) => fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null);

export class Views {
  constructor(store, frames, root, wanted) {
    Object.assign(this, { store, frames, wanted, fetched: {}, noise: [] });
    this.panels = {};
    for (const name of ["landscape", "fit", "noise", "overfit"]) {
      const el = root.querySelector(`[data-view=${name}]`);
      if (!el) continue;
      const chart = el.querySelector(".chart");
      this.panels[name] = { el, chart, view: frames.add(chart, () => this.draw(name)) };
    }
    store.subscribe((change) => this.changed(change));
  }

  changed(change) {
    if (change.type === "start") this.reset();
    for (const name of SHOWN_IN[change.type] || []) if (this.panels[name]) this.frames.mark(this.panels[name].view);
  }

  // which views this comparison has, and the data they fetch once
  reset() {
    const { plan, query, results } = this.store.state;
    const first = plan.runs[0];
    const linear = first.config.dataset === "linear" && first.model === "linear" && first.loss === "mse";
    this.show("landscape", linear);
    this.show("fit", linear || first.config.dataset === "moons");
    this.show("noise", true);
    this.show("overfit", plan.runs.some((p) => p.n_val > 0));
    this.noise = results.map(() => new Decimator());
    this.fetched = {};
    const load = (name, url) => {
      if (!this.visible(name)) return;
      fetchJSON(url).then((d) => {
        if (this.store.state.query !== query) return; // a newer comparison took over
        this.fetched[name] = d;
        this.frames.mark(this.panels[name].view);
      });
    };
    load("landscape", `/api/landscape?${query}`);
    load("fit", `/api/dataset?${query}`);
    for (const panel of Object.values(this.panels)) this.frames.mark(panel.view);
  }

  show(name, possible) {
    const panel = this.panels[name];
    if (panel) panel.el.hidden = !(possible && this.wanted.includes(name));
  }

  visible(name) {
    return this.panels[name] && !this.panels[name].el.hidden;
  }

  figure(name) {
    const { plan, results } = this.store.state;
    if (name === "landscape") return this.fetched.landscape && landscapeFigure(plan.runs, results, this.fetched.landscape);
    if (name === "fit") return this.fetched.fit && fitFigure(plan.runs, results, this.fetched.fit);
    if (name === "overfit") return overfitFigure(plan.runs, results);
    results.forEach((run, i) => this.noise[i].update(run.cos, run.cosN));
    return noiseFigure(plan.runs, results, this.noise);
  }

  draw(name) {
    if (!window.Plotly) return false;
    if (!this.store.state.plan || !this.visible(name)) return true;
    const figure = this.figure(name);
    if (!figure) return true; // its data is still on the way
    const { chart } = this.panels[name];
    chart.setAttribute("aria-label", figure.label);
    Plotly.react(chart, figure.data, figure.layout, PLOTLY_CONFIG);
    return true;
  }
}
