import assert from "node:assert/strict";
import { test } from "node:test";
import { caseFile, cases } from "./cases.mjs";
import { chartOptions, configTexts, embedSnippet, initialState, lessonPage, parseQuery, runsQuery, spokenAs, splitQuery, wantedViews,
  withPage } from "../../static/js/query.js";

const PAGE = ["lang", "autoplay", "x", "logx", "logy", "smooth", "view", "lesson", "predict", "v"];

test("a link's runs and page keys; commas inside a label travel as %2C", () => {
  const q = "dataset=moons&n_samples=300&batch_size=full,1,30&label=a%20b,c%2Cd,e&lang=ja";
  const { runs, page, hasRunKeys } = parseQuery(`?${q}`, PAGE);
  assert.equal(runs.length, 3);
  assert.deepEqual(page, { lang: "ja" });
  assert.ok(hasRunKeys);
  assert.deepEqual(runs[1], { dataset: "moons", n_samples: "300", batch_size: "1", label: "c,d" });
  assert.deepEqual(splitQuery(q, PAGE).lists.label, ["a b", "c,d", "e"]);
});

test("the form's runs go back as one item per run, so identical runs keep their count", () => {
  const fallback = (r, k) => r[k] ?? "";
  const runs = parseQuery("?batch_size=full,1&label=x%2Cy,z", PAGE).runs;
  const back = runsQuery(runs, fallback, "dataset");
  assert.equal(back, "batch_size=full,1&label=x%2Cy,z");
  assert.equal(parseQuery(`?${runsQuery([{ batch_size: "32" }, { batch_size: "32" }], fallback, "dataset")}`, PAGE).runs.length, 2);
  assert.equal(runsQuery([{}], fallback, "dataset"), "dataset=");
});

test("the page keys follow the canonical link, in the schema's order", () => {
  assert.equal(withPage("dataset=linear", { autoplay: "true", lang: "ja" }, PAGE), "dataset=linear&lang=ja&autoplay=true");
  assert.equal(withPage("", { x: "" }, PAGE), "");
});

test("chart options from the link, clamped; views chosen by `view`", () => {
  assert.deepEqual(chartOptions({}), { mode: "epochs", logX: false, logY: false, smoothing: null });
  assert.deepEqual(chartOptions({ x: "seconds", logx: "true", logy: "false", smooth: "1.5" }),
    { mode: "seconds", logX: true, logY: false, smoothing: 0.99 });
  assert.equal(chartOptions({ x: "bogus", smooth: "abc" }).mode, "epochs");
  assert.equal(chartOptions({ smooth: "abc" }).smoothing, null);
  const views = ["loss", "landscape", "fit", "noise", "overfit"];
  assert.deepEqual(wantedViews({}, true, views), ["loss"]);
  assert.deepEqual(wantedViews({}, false, views), views);
  assert.deepEqual(wantedViews({ view: "fit,nope,noise" }, true, views), ["fit", "noise"]);
});

test("a run's configuration from the plan as the form's texts", () => {
  assert.deepEqual(configTexts({ noise: null, normalize: false, epochs: 20, batch_size: "full" }),
    { noise: "", normalize: "false", epochs: "20", batch_size: "full" });
});

test("a lesson opens with its page keys unless the link sets them", () => {
  const keras = { name: "keras_sgd", page: "logy=true" };
  assert.deepEqual(lessonPage({ lesson: "keras_sgd" }, keras, PAGE), { logy: "true", lesson: "keras_sgd" });
  assert.deepEqual(lessonPage({ lesson: "keras_sgd", logy: "false" }, keras, PAGE), { logy: "false", lesson: "keras_sgd" });
  assert.deepEqual(lessonPage({ x: "updates" }, null, PAGE), { x: "updates" });
  assert.deepEqual(lessonPage({}, { name: "batch_size", page: "" }, PAGE), {});
  assert.equal(chartOptions(lessonPage({}, keras, PAGE)).logY, true);
});

test("a lesson link with run keys: the lesson's comparison, the link's lists replacing the lesson's", () => {
  const lesson = "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100";
  const seeded = parseQuery("?lesson=batch_size&seed=3", PAGE, lesson);
  assert.equal(seeded.hasRunKeys, true);
  assert.deepEqual(seeded.runs.map((r) => [r.batch_size, r.seed, r.epochs]), [["full", "3", "20"], ["1", "3", "20"], ["100", "3", "20"]]);
  assert.equal(seeded.link, "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100&seed=3");
  const two = parseQuery("?batch_size=1,2&lesson=batch_size", PAGE, lesson);
  assert.deepEqual(two.runs.map((r) => r.batch_size), ["1", "2"]);
  assert.equal(two.link, "dataset=linear&n_samples=1000&epochs=20&batch_size=1,2");
  const bare = parseQuery("?lesson=batch_size", PAGE, lesson);
  assert.equal(bare.hasRunKeys, false); // the lesson's own comparison, as written in its card
  assert.equal(bare.runs.length, 3);
});

const LESSONS = [{ name: "batch_size", query: "dataset=linear&batch_size=full,1,100", page: "" },
  { name: "keras_sgd", query: "momentum=0,0.9", page: "logy=true" }];
const linked = (search, served = "en") => initialState(search, { pageKeys: PAGE, lessons: LESSONS,
  defaultQuery: "dataset=linear&batch_size=full", served, known: { lesson: LESSONS.map((l) => l.name),
    lang: ["en", "zh-CN"], x: ["epochs", "updates"] } });

test("the first state: a lesson's comparison with the link's run keys on top, sent as the link wrote them", () => {
  const { state, notices } = linked("?lesson=batch_size&seed=3");
  assert.equal(state.lesson.name, "batch_size");
  assert.deepEqual(state.runs.map((r) => [r.batch_size, r.seed]), [["full", "3"], ["1", "3"], ["100", "3"]]);
  assert.equal(state.link, "dataset=linear&batch_size=full,1,100&seed=3");
  assert.deepEqual(notices, []);
  const own = linked("?lesson=batch_size").state; // no run keys: the lesson's own comparison, no link to send
  assert.deepEqual([own.runs.length, own.link], [3, null]);
});

test("the first state: the card's chart options under the link's, the default comparison without a lesson", () => {
  const card = linked("?lesson=keras_sgd").state;
  assert.deepEqual([card.page.logy, card.options.logY], ["true", true]);
  assert.equal(linked("?lesson=keras_sgd&logy=false").state.options.logY, false);
  const plain = linked("").state;
  assert.deepEqual([plain.lesson, plain.runs, plain.link], [null, [{ dataset: "linear", batch_size: "full" }], null]);
});

test("the first state: unknown lesson, language or x axis are notices and left out of the page", () => {
  const { state, notices } = linked("?lesson=nope&lang=xx&x=hours&logx=true");
  assert.deepEqual(notices.map((n) => [n.key, n.value]), [["lesson", "nope"], ["lang", "xx"], ["x", "hours"]]);
  assert.deepEqual(state.page, { logx: "true" });
  assert.equal(state.options.mode, "epochs");
  assert.equal(linked("?lang=zh", "zh-CN").state.page.lang, "zh-CN"); // an alias written back, no notice
});

test("lists broadcast as the server reads them (tests/cases/broadcasting.json)", () => {
  for (const c of cases("broadcasting")) {
    const { runs, link } = parseQuery(`?${c.query}`, PAGE, c.base ?? "");
    if (c.runs) assert.deepEqual(runs, c.runs, c.about);
    if (c.link) assert.equal(link, c.link, c.about);
  }
});

test("a link's language is written back as the server serves it (tests/cases/languages.json)", () => {
  for (const c of cases("languages")) assert.equal(spokenAs(c.tag, c.match ?? "en"), c.match ?? c.tag, c.about);
});

test("the Embed button's iframe is as tall as the oEmbed one (tests/cases/constants.json)", () => {
  const snippet = embedSnippet("https://x", "dataset=linear", {}, PAGE, "t");
  assert.match(snippet, new RegExp(` height="${caseFile("constants").embed_height}"`));
});
