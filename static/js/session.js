// The comparison's life: plan (validated by /api/plan), one stream feeding the store, stop,
// restarts after edits, and the lesson's verdict fetched from the server once the runs are done.
import { statusText } from "./format.js";
import { t } from "./i18n.js";
import { pictureSettled } from "./picture.js";
import { runsQuery } from "./state.js";
import { checkPlan, openStream } from "./stream.js";

const EDIT_DELAY_MS = 300; // a change restarts the comparison, as in the Playground
const BUSY_RETRY_MS = 3000;

export class Session {
  constructor(store) {
    // starts: how many starts were asked for; a start goes on only while it is the newest
    // (starting: the one not streaming yet)
    Object.assign(this, { store, stream: null, restartTimer: null, starts: 0, starting: null });
  }

  // The plan of the form's runs; on a refusal the errors show and the link keeps the user's input.
  // current(): the plan is still wanted when it comes (no newer start, no Stop)
  // retry: a busy server's refusal starts the runs again later (not after Stop)
  async plan(current = () => true, retry = true) {
    // a link's runs go to the server as the link wrote them (lists of different lengths are
    // named as such), edited runs as the form holds them
    const { link, runs } = this.store.state;
    const transport = link ?? runsQuery(runs);
    const checked = await checkPlan(transport);
    if (!current()) return null; // an older comparison's plan: neither its numbers nor its errors
    if (!checked.errors) return checked.plan;
    this.store.refused(checked.errors, transport);
    if (checked.busy && retry) {
      this.store.say(t("busy"));
      this.restart(BUSY_RETRY_MS);
    }
    return null;
  }

  // before a run starts, the table shows the plan: update counts and predicted compute time
  async preview(retry = true) {
    const plan = await this.plan(() => true, retry);
    if (plan) this.store.planned(plan, false);
    return plan;
  }

  // Each start supersedes the ones before it: a plan that comes after a newer start (an edit
  // made meanwhile) or after Stop is dropped, and no older start opens a stream.
  async start() {
    const id = ++this.starts;
    const current = () => id === this.starts;
    this.starting = id;
    this.halt();
    clearTimeout(this.restartTimer);
    this.restartTimer = null;
    try {
      const plan = await this.plan(current);
      if (!plan) return;
      const store = this.store;
      store.planned(plan, true);
      store.say(statusText({ status: "running" }));
      await pictureSettled(); // the picture of a cached comparison first (its rows show the plan meanwhile)
      if (!current()) return; // edited, restarted or stopped meanwhile
      this.stream = openStream(plan.query, {
        plan: () => {}, // the plan fetched above, the same numbers
        points: (d) => store.points(d, performance.now()),
        eval: (d) => store.evaluated(d),
        path: (d) => store.pathed(d),
        boundary: (d) => store.bounded(d),
        done: (d) => store.done(d),
        error: (detail) => store.refused([{ msg: String(detail) }], store.state.query),
        end: () => this.ended(),
        lost: () => { this.stream = null; store.say(statusText({ status: "stopped" })); },
      });
    } finally {
      if (this.starting === id) this.starting = null;
    }
  }

  // The user's Stop: the stream ends, no start on its way (an edit's restart, a plan, a retry
  // after busy) follows, and the status line says stopped (if anything was running or starting).
  // An edit whose restart is cancelled still gets its plan: the link and the table are the form's.
  stop() {
    const pending = this.restartTimer !== null || this.starting !== null;
    const busy = pending || this.stream !== null;
    this.starts += 1;
    clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.halt();
    if (!busy) return;
    this.store.say(statusText({ status: "stopped" }));
    if (pending) this.preview(false);
  }

  // the stream ends, unfinished runs stopped; a restart says "running" next, never "stopped"
  halt() {
    if (!this.stream) return;
    this.stream.close();
    this.stream = null;
    this.store.stopped(performance.now());
  }

  // What the page does first. predict=true: the card asks its question (ask(runs, onAnswer)) and
  // nothing answers it (counts, text, curves) until it is answered; the runs start then. Else the
  // runs start, unless an embed without autoplay waits for Start. The plan's request goes out
  // before the settings grid is built (the table waits for it).
  begin(isEmbed, ask) {
    const { lesson, page } = this.store.state;
    if (lesson && page.predict === "true") {
      this.store.ask();
      this.preview().then((plan) => plan && ask(plan.runs, () => this.start()));
    } else if (!isEmbed || page.autoplay === "true") {
      this.start();
    } else {
      this.preview().then(() => this.store.say(t("press_start")));
    }
  }

  restart(delay = EDIT_DELAY_MS) {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delay);
  }

  edit(runs, fromLink = false, vary = []) {
    this.store.editRuns(runs, fromLink, vary);
    this.restart();
  }

  ended() {
    this.stream = null;
    this.store.ended();
    this.store.say(statusText({ status: "completed" }));
    this.judge();
  }

  // the card's answer, judged on the server from the finished runs: on the user's prediction, or
  // (no prediction asked) shown under the question for everyone
  async judge() {
    const { lesson, choice, query, page } = this.store.state;
    if (!lesson || (choice === null && page.predict === "true")) return;
    const asked = choice === null ? "" : `&choice=${encodeURIComponent(choice)}`; // judged there, with the verdict
    const response = await fetch(`/api/verdict?lesson=${encodeURIComponent(lesson.name)}&${query}${asked}`).catch(() => null);
    if (response && response.ok && this.store.state.query === query) this.store.judged(await response.json());
  }
}
