import assert from "node:assert/strict";
import { test } from "node:test";
import { Frames } from "../../static/js/frames.js";

// a fake browser: frames and timers run when the test says, a clock the test moves
function fakeHost() {
  const host = { time: 0, frames: [], timers: [], observed: new Set() };
  Object.assign(host, {
    frame: (fn) => host.frames.push(fn),
    later: (fn, ms) => host.timers.push({ fn, at: host.time + ms }),
    now: () => host.time,
    observer: (callback) => {
      host.see = (el, on) => callback([{ target: el, isIntersecting: on }]);
      return { observe: (el) => host.observed.add(el), unobserve: (el) => host.observed.delete(el) };
    },
    runFrames() {
      const due = host.frames.splice(0);
      due.forEach((fn) => fn());
      return due.length;
    },
    runTimers() {
      const due = host.timers.filter((t) => t.at <= host.time);
      host.timers = host.timers.filter((t) => t.at > host.time);
      due.forEach((t) => t.fn());
    },
  });
  return host;
}

test("a dirty view draws once per frame, only while on screen", () => {
  const host = fakeHost();
  const frames = new Frames(host);
  const el = {};
  let draws = 0;
  const view = frames.add(el, () => { draws += 1; });
  frames.mark(view);
  frames.mark(view);
  assert.equal(host.runFrames(), 0); // off screen: nothing scheduled
  host.see(el, true);
  host.runFrames();
  assert.equal(draws, 1); // two marks, one draw
  frames.mark(view);
  host.see(el, false);
  host.runFrames();
  assert.equal(draws, 1); // scrolled away before the frame
  host.see(el, true);
  host.runFrames();
  assert.equal(draws, 2); // drawn once back on screen
});

test("views without an element are always drawn; an undrawable view stays dirty", () => {
  const host = fakeHost();
  const frames = new Frames(host);
  let ready = false;
  let drawn = 0;
  const view = frames.add(null, () => (ready ? void (drawn += 1) : false));
  frames.mark(view);
  host.runFrames();
  assert.equal(drawn, 0);
  ready = true;
  host.time = 50;
  host.runTimers();
  host.runFrames();
  assert.equal(drawn, 1);
});

test("a slow frame is followed by a pause; the frame budget leaves views for the next frame", () => {
  const host = fakeHost();
  const frames = new Frames(host);
  const drawn = [];
  const slow = (name) => () => { drawn.push(name); host.time += 45; };
  const a = frames.add(null, slow("a"));
  const b = frames.add(null, slow("b"));
  frames.mark(a);
  frames.mark(b);
  host.runFrames();
  assert.deepEqual(drawn, ["a"]); // 45 ms spent, over the frame's budget: b waits
  assert.equal(host.frames.length, 0); // a slow frame: the next waits for the pause
  host.time += 100;
  host.runTimers();
  assert.equal(host.runFrames(), 0); // still pausing
  host.time += 20;
  host.runTimers();
  host.runFrames();
  assert.deepEqual(drawn, ["a", "b"]);
});

test("markLater ticks a view once per interval", () => {
  const host = fakeHost();
  const frames = new Frames(host);
  let drawn = 0;
  const view = frames.add(null, () => { drawn += 1; });
  frames.markLater(view, 250);
  frames.markLater(view, 250);
  host.time = 250;
  host.runTimers();
  host.runFrames();
  assert.equal(drawn, 1);
});

test("a slow view marked on every event does not starve the views after it", () => {
  const host = fakeHost();
  const frames = new Frames(host);
  const drawn = [];
  const chart = frames.add(null, () => { drawn.push("chart"); host.time += 20; });
  const grid = frames.add(null, () => { drawn.push("grid"); });
  frames.mark(chart);
  frames.mark(grid);
  for (let i = 0; i < 3; i += 1) {
    frames.mark(chart); // a new point arrives before every frame
    host.runFrames();
    host.time += 1;
    host.runTimers();
  }
  // the chart's 20 ms spend each frame's budget; the grid, waiting longer, goes first next frame
  assert.deepEqual(drawn.slice(0, 3), ["chart", "grid", "chart"]);
  assert.equal(drawn.filter((d) => d === "grid").length, 1);
});
