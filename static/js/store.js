// The one store: the comparison's state and its subscribers. Views read `state` and subscribe;
// only the named actions below change it, each telling subscribers what changed
// ({type, run?}), so a view redraws only for the changes it shows. The lesson's changes are apart:
// `lesson` (the open card), `asking` (the question opened or answered: what every view hides),
// `verdict` (the card's answer).
import { configTexts } from "./query.js";
import { newRun, writeAt } from "./run.js";

export class Store {
  // runs: the form's runs ({key: text}); page: page-only keys; lesson: the open card or null;
  // options: the chart options
  // link: the run keys of the page's link as written, sent for the first plan
  constructor({ runs, page, lesson, options, link = null }) {
    // fromLink: the runs were read off a link; the server's plan then gives each run's values
    // asking: predict=true and the card's question is not answered yet; while it is true no view
    // shows what answers it (update counts, the card's explanation, curves, end labels)
    // varied: keys the settings show per run even where every run has the same value (the user
    // edited one run's value, or asked for it): the grid never collapses under the user's hands
    this.state = { runs, fromLink: true, page, lesson, options, choice: null, verdict: null, asking: false, plan: null,
      query: "", results: [], streaming: false, errors: [], message: "", varied: new Set(), link };
    this.listeners = new Set();
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(change) {
    for (const listener of this.listeners) listener(change, this.state);
  }

  // the form: edited runs (or a lesson's, read off its link); a new comparison forgets the
  // answer given to the old one. vary: keys to show per run from now on (a link starts afresh)
  editRuns(runs, fromLink = false, vary = []) {
    const varied = new Set(fromLink ? [] : [...this.state.varied, ...vary]);
    Object.assign(this.state, { runs, fromLink, varied, link: null, choice: null, verdict: null });
    this.notify({ type: "runs" });
  }

  // show a key per run (on), or as one shared value (off, when every run has the same value)
  vary(key, on) {
    const varied = new Set(this.state.varied);
    if (on) varied.add(key);
    else varied.delete(key);
    this.state.varied = varied;
    this.notify({ type: "runs" });
  }

  pickLesson(lesson) {
    this.state.lesson = lesson;
    this.setPage("lesson", lesson ? lesson.name : undefined);
    this.notify({ type: "lesson" });
  }

  setPage(key, value) {
    if (value === undefined) delete this.state.page[key];
    else this.state.page[key] = value;
    this.notify({ type: "page", key });
  }

  setOptions(options) {
    this.state.options = { ...this.state.options, ...options };
    this.notify({ type: "options" });
  }

  // the server's plan of the form's runs; streaming: a stream of its runs starts now
  planned(plan, streaming) {
    Object.assign(this.state, { plan, query: plan.query, results: plan.runs.map(newRun), streaming, errors: [] });
    if (this.state.fromLink) {
      // each run's values as the server read the link (lists zipped, single values shared)
      Object.assign(this.state, { runs: plan.runs.map((r) => configTexts(r.config)), fromLink: false, link: null });
      this.notify({ type: "runs" });
    }
    this.notify({ type: streaming ? "start" : "plan" });
  }

  refused(errors, transport) {
    Object.assign(this.state, { errors, query: transport });
    this.notify({ type: "errors" });
  }

  say(message) {
    this.state.message = message;
    this.notify({ type: "message" });
  }

  points(d, now) {
    const run = this.state.results[d.run];
    run.n = Math.max(run.n, writeAt(run.loss, d.first_update, d.loss));
    if (d.grad_cosine) {
      if (run.cos.length < run.n) run.cos = grow(run.cos, run.loss.length); // only runs that measure noise
      run.cosN = Math.max(run.cosN, writeAt(run.cos, d.first_update, d.grad_cosine));
    }
    if (run.started === undefined) run.started = now;
    run.status = "running";
    // cosines: some gradient cosines came (the noise view draws nothing else of a batch)
    this.notify({ type: "points", run: d.run, cosines: Boolean(d.grad_cosine) });
  }

  evaluated(d) {
    const run = this.state.results[d.run];
    run.evals.push(d);
    Object.assign(run, { trainLoss: d.train_loss, valLoss: d.val_loss });
    this.notify({ type: "eval", run: d.run });
  }

  pathed(d) {
    this.state.results[d.run].path.push(...d.points);
    this.notify({ type: "path", run: d.run });
  }

  bounded(d) {
    this.state.results[d.run].boundary = d;
    this.notify({ type: "boundary", run: d.run });
  }

  done(d) {
    Object.assign(this.state.results[d.run], { status: d.status, updates: d.updates, seconds: d.seconds });
    this.notify({ type: "done", run: d.run });
  }

  // the user stopped the stream: unfinished runs are stopped, timed up to now
  stopped(now) {
    this.state.streaming = false;
    for (const run of this.state.results) {
      if (run.status === "pending" || run.status === "running") {
        Object.assign(run, { status: "stopped", seconds: run.started === undefined ? undefined : (now - run.started) / 1000 });
      }
    }
    this.notify({ type: "stopped" });
  }

  ended() {
    this.state.streaming = false;
    this.notify({ type: "end" });
  }

  // predict=true: the card asks its question; views keep the answer until choose()
  ask() {
    this.state.asking = true;
    this.notify({ type: "asking" });
  }

  choose(choice) {
    Object.assign(this.state, { choice, asking: false });
    this.notify({ type: "asking" });
  }

  judged(verdict) {
    this.state.verdict = verdict;
    this.notify({ type: "verdict" });
  }
}

function grow(values, size) {
  const grown = new Float64Array(size);
  grown.set(values);
  return grown;
}

// With predict=true a lesson's question comes first: until a choice is made, no view may show
// what answers it (counts, curves, end labels). The one selector every view asks.
export function predictionPending(state) {
  return state.asking;
}
