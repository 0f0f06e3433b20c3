// The page's DOM around the charts, each part a subscriber of the store: the address bar and
// links (always the server's plan.query, then the page keys), errors, the status line, chart
// options, and the workspace's buttons.
import { copyText } from "./code.js";
import { smoothingText } from "./format.js";
import { renderControls } from "./controls.js";
import { t } from "./i18n.js";
import { fillMenu } from "./lesson.js";
import { chartOptions, embedSnippet, initialState, X_MODES } from "./query.js";
import { DEFAULT_QUERY, LESSONS, PAGE_KEYS, lessonPage, parseQuery, runsQuery, withPage } from "./state.js";
import { predictionPending } from "./store.js";

const $ = (id) => document.getElementById(id);
const QUERY_CHANGES = new Set(["plan", "start", "errors"]);

// what an embed's iframe title says: the lesson's title, else the runs' labels
function comparisonName({ lesson, plan }) {
  return t("embed_title", { what: lesson ? lesson.title : plan ? plan.runs.map((r) => r.label).join(" · ") : t("title") });
}

// The address bar, Copy link and Embed all carry the server's canonical link (plan.query) and
// every page key (lesson, predict, lang, view, chart options).
export function bindAddress(store, code, isEmbed) {
  store.subscribe((change, state) => {
    const { query, page } = state;
    if (change.type !== "page" && !QUERY_CHANGES.has(change.type)) return;
    history.replaceState(null, "", `${location.pathname}?${withPage(query, page)}`);
    if (QUERY_CHANGES.has(change.type)) code.show(query);
    if (isEmbed) {
      const { autoplay, ...kept } = page; // the full page opens as a page does, waiting for no one
      $("open-full").href = `/?${withPage(query, kept)}`;
      return;
    }
    $("download-csv").href = `/api/history?${query}&format=csv`;
    $("download-json").href = `/api/history?${query}`;
    $("embed-code").value = embedSnippet(location.origin, query, page, PAGE_KEYS, comparisonName(state));
  });
}

const languages = () => JSON.parse($("notices").dataset.languages);

// The page's first state from its link, and what the link names that the page does not know
// (query.js's initialState, given the page's lessons, languages and x axes)
export function linkedState() {
  const known = { lesson: LESSONS.map((l) => l.name), lang: Object.keys(languages()), x: X_MODES };
  return initialState(location.search, { pageKeys: PAGE_KEYS, lessons: LESSONS, defaultQuery: DEFAULT_QUERY,
    served: document.documentElement.lang, known });
}

// A link's unknown lesson, language or x axis, said in #notices instead of silently ignored.
export function showNotices(notices, mode) {
  const box = $("notices");
  const name = languages()[document.documentElement.lang];
  box.replaceChildren(...notices.map(({ key, value, names }) => Object.assign(document.createElement("p"), {
    textContent: t(`notice_${key}`, { value, names, name, mode }) })));
  box.hidden = !notices.length;
}

function showErrors(messages) {
  const box = $("errors");
  box.hidden = !messages.length;
  const title = document.createElement("p");
  title.textContent = t("errors");
  const list = document.createElement("ul");
  // one line per message: the server may name the same problem for several keys
  for (const text of new Set(messages.map((problem) => problem.msg ?? String(problem)))) {
    const li = document.createElement("li");
    li.textContent = text;
    list.append(li);
  }
  box.replaceChildren(title, list);
}

// the server's 422 messages, and the status line
export function bindMessages(store) {
  store.subscribe((change, state) => {
    if (QUERY_CHANGES.has(change.type)) showErrors(state.errors);
    if (change.type === "message") $("status-message").textContent = state.message;
  });
}

// While a prediction is asked, nothing that answers it: Start would run the comparison (its
// table and downloads quote the counts and losses), the page's closing paragraph quotes the
// batch_size lesson's counts. Start comes back with the answer (which starts the runs).
export function bindAsking(store) {
  const show = () => {
    const asking = predictionPending(store.state);
    $("start").disabled = asking;
    $("start").title = asking ? t("answer_first") : "";
    if ($("page-intro")) $("page-intro").hidden = asking;
    // a link the server refused has nothing to download either
    if ($("downloads")) $("downloads").hidden = asking || store.state.errors.length > 0;
  };
  store.subscribe((change) => ["asking", ...QUERY_CHANGES].includes(change.type) && show());
  show();
}

// x unit, log axes and smoothing: the store's options, written into the link as page keys
export function bindChartOptions(store) {
  const o = () => store.state.options;
  const option = (key, value, chartOption) => {
    store.setOptions(chartOption);
    store.setPage(key, value);
  };
  const showSmoothing = () => {
    $("smoothing").value = String(o().smoothing ?? 0);
    $("smoothing-value").textContent = o().smoothing === null ? t("smooth_auto") : smoothingText(o().smoothing);
    $("smooth-auto").hidden = o().smoothing === null; // already auto: the value says so, once
  };
  const show = () => {
    $("x-mode").value = o().mode;
    $("log-x").checked = o().logX;
    $("log-y").checked = o().logY;
    showSmoothing();
  };
  show();
  store.subscribe((change) => change.type === "options" && show()); // a lesson opened with its own
  $("x-mode").addEventListener("change", (e) => option("x", e.target.value, { mode: e.target.value }));
  $("log-x").addEventListener("change", (e) => option("logx", String(e.target.checked), { logX: e.target.checked }));
  $("log-y").addEventListener("change", (e) => option("logy", String(e.target.checked), { logY: e.target.checked }));
  $("smoothing").addEventListener("input", (e) => {
    option("smooth", e.target.value, { smoothing: Number(e.target.value) });
    showSmoothing();
  });
  $("smooth-auto").addEventListener("click", () => {
    option("smooth", undefined, { smoothing: null });
    showSmoothing();
  });
}

// The workspace (not the embed): the form, the lesson menu, links and downloads, language.
export function bindWorkspace(store, session, charts, frames) {
  const render = () => renderControls($("settings"), store.state,
    { runs: () => store.state.runs, edit: (runs, vary) => session.edit(runs, false, vary), vary: (key, on) => store.vary(key, on) });
  // drawn at the next frame, after the event that caused it: a Tab that committed an edit has
  // moved focus by then, so the re-render puts focus back where the user is (the edited control,
  // or the next one); the first one too, after the page's wiring (not one long task on a phone)
  const settings = frames.add(null, render);
  frames.mark(settings);
  store.subscribe((change) => ["runs", "plan", "start", "errors"].includes(change.type) && frames.mark(settings));
  fillMenu($("lesson-select"), LESSONS, (picked) => {
    store.pickLesson(picked);
    const own = lessonPage({}, picked); // the card's chart options (keras_sgd: a log loss axis)
    for (const [key, value] of Object.entries(own)) store.setPage(key, value);
    if (Object.keys(own).length) store.setOptions(chartOptions(store.state.page));
    session.edit(parseQuery(picked.query).runs, true);
  });
  $("copy-link").addEventListener("click", async () => {
    await copyText(location.href);
    store.say(t("copied"));
  });
  $("embed-button").addEventListener("click", (e) => {
    const box = $("embed-box");
    box.hidden = !box.hidden;
    e.target.setAttribute("aria-expanded", String(!box.hidden));
    if (!box.hidden) $("embed-code").select();
  });
  $("download-png").addEventListener("click", () => charts.png());
  $("lang-select").addEventListener("change", (e) => {
    const { query, page, runs } = store.state;
    location.search = withPage(query || runsQuery(runs), { ...page, lang: e.target.value });
  });
}
