// Plotly (the vendored partial bundle, ~400 KB) is fetched only when a chart is about to draw:
// the table, the text and the server's picture of the curves never wait for it. One <script>
// (a hashed 'self' URL, allowed by the CSP) is added once; views ask plotlyReady() and are drawn
// again when it has loaded, after the server's picture where there is one (picture.js).
import { pictureSettled } from "./picture.js";

// read on first use (not at import), so the views that import this also load in node's tests
const source = () => JSON.parse(document.getElementById("page-config").textContent).plotly;
let loading = null;

// Plotly if it has loaded; else null, and `then` runs once it has
export function plotlyReady(then) {
  if (window.Plotly) return window.Plotly;
  if (!loading) {
    const src = source();
    loading = pictureSettled().then(() => new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { loading = null; reject(new Error(`plotly: ${src}`)); };
      document.head.append(script);
    }));
  }
  if (then) loading.then(then, () => {});
  return null;
}

// a promise of Plotly (the PNG download)
export const plotly = () => new Promise((resolve) => {
  const ready = plotlyReady(resolve);
  if (ready) resolve(ready);
});

// its bytes fetched at low priority but not run (rel=prefetch): once a cached comparison's
// stream has arrived, so a student who then reaches for the chart waits for plotly's evaluation
// only, not for its ~400 KB on a slow link
export function prefetchPlotly() {
  const src = source();
  if (window.Plotly || loading || document.querySelector(`link[rel=prefetch][href="${src}"]`)) return;
  const link = Object.assign(document.createElement("link"), { rel: "prefetch", href: src, as: "script" });
  document.head.append(link);
}
