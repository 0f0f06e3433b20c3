// The one frame scheduler. Every view registers its element and its draw function; a view marked
// dirty is drawn at the next animation frame if it is on screen (IntersectionObserver), else as
// soon as it scrolls into view. A frame draws dirty views, the longest waiting first, until its
// budget is spent (so a slow chart marked on every event cannot starve the views after it); a
// frame that took long is followed by a pause, so input stays responsive during long runs.
import { FRAME_BUDGET_MS, PAUSE_MS, SLOW_FRAME_MS } from "./theme.js";

const browser = () => ({
  frame: (fn) => requestAnimationFrame(fn),
  later: (fn, ms) => setTimeout(fn, ms),
  now: () => performance.now(),
  // on screen, not near it: a chart a few pixels below a phone's first screen (the first run's
  // own chart) would fetch and run plotly (~1 s of script at 4x CPU) for a view nobody has seen
  observer: (callback) => new IntersectionObserver(callback),
});

export class Frames {
  constructor(host = browser()) {
    this.host = host;
    this.views = [];
    this.queued = false;
    this.pauseUntil = 0;
    this.marks = 0;
    this.observer = host.observer((entries) => this.seen(entries));
  }

  // el: the view's element (null: always drawn, e.g. the table's text); draw() returns false
  // when it cannot draw yet (Plotly still loading): the view stays dirty
  add(el, draw) {
    const view = { el, draw, dirty: false, visible: el === null, since: 0 };
    this.views.push(view);
    if (el) this.observer.observe(el);
    return view;
  }

  remove(view) {
    this.views = this.views.filter((v) => v !== view);
    if (view.el) this.observer.unobserve(view.el);
  }

  mark(view) {
    if (!view.dirty) view.since = ++this.marks; // its place in the queue: first marked, first drawn
    view.dirty = true;
    if (view.visible) this.request();
  }

  // mark a view again after ms (a live clock)
  markLater(view, ms) {
    if (view.ticking) return;
    view.ticking = true;
    this.host.later(() => {
      view.ticking = false;
      this.mark(view);
    }, ms);
  }

  seen(entries) {
    for (const entry of entries) {
      const view = this.views.find((v) => v.el === entry.target);
      if (view) view.visible = entry.isIntersecting;
    }
    this.request();
  }

  request(wait = Math.max(0, this.pauseUntil - this.host.now())) {
    if (this.queued || !this.views.some((v) => v.dirty && v.visible)) return;
    this.queued = true;
    const go = () => this.host.frame(() => this.frame());
    if (wait > 0) this.host.later(go, wait);
    else go();
  }

  frame() {
    this.queued = false;
    const began = this.host.now();
    let blocked = false;
    const waiting = this.views.filter((v) => v.dirty && v.visible).sort((a, b) => a.since - b.since);
    for (const view of waiting) {
      if (this.host.now() - began > FRAME_BUDGET_MS) break;
      view.dirty = false;
      if (view.draw() === false) {
        view.dirty = true;
        blocked = true;
      }
    }
    const took = this.host.now() - began;
    this.pauseUntil = took >= SLOW_FRAME_MS ? this.host.now() + PAUSE_MS : 0;
    this.request(blocked ? 50 : undefined);
  }
}
