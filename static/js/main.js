// Wiring only: the store, the frame scheduler, the views that subscribe to the store, the session
// that feeds it, and what the page does first (predict, autoplay or wait for Start).
import { LossCharts } from "./chart.js";
import { CodePanel } from "./code.js";
import { Frames } from "./frames.js";
import { t } from "./i18n.js";
import { LessonCard } from "./lesson.js";
import { bindAddress, bindAsking, bindChartOptions, bindMessages, bindWorkspace, showNotices } from "./page.js";
import { chartOptions, spokenAs, wantedViews } from "./query.js";
import { Session } from "./session.js";
import { DEFAULT_QUERY, LESSONS, VIEWS, lessonPage, parseQuery } from "./state.js";
import { Store } from "./store.js";
import { RunTable } from "./table.js";
import { Views } from "./views.js";

const $ = (id) => document.getElementById(id);
const isEmbed = document.body.classList.contains("embed");

// the link's runs (sent to the server as written), page keys and card; what the page does not
// know (lesson, lang, x) is noticed on the page and left out of the links it writes
function initialState() {
  const linked = parseQuery(location.search).page;
  const lesson = LESSONS.find((l) => l.name === linked.lesson) || null;
  // a lesson's comparison with the link's run keys on top
  const { runs, hasRunKeys, link } = parseQuery(location.search, lesson ? lesson.query : "");
  const page = lessonPage(linked, lesson); // the card's chart options, unless the link sets them
  if (page.lang) page.lang = spokenAs(page.lang, document.documentElement.lang);
  const options = chartOptions(page);
  for (const { key } of showNotices(page, options.mode)) delete page[key];
  const fromLink = hasRunKeys ? runs : parseQuery(lesson ? lesson.query : DEFAULT_QUERY).runs;
  return { runs: fromLink, page, lesson, options, link: hasRunKeys ? link : null };
}

const store = new Store(initialState());
const frames = new Frames();
const session = new Session(store);
const wanted = wantedViews(store.state.page, isEmbed, VIEWS);
new RunTable(store, frames, $("run-table"));
const charts = new LossCharts(store, frames, $("chart-overlay"), $("chart-runs"));
new Views(store, frames, document.body, wanted);
const card = new LessonCard(store);
bindMessages(store);
bindAddress(store, new CodePanel($("code-panel"), (text) => store.say(text)), isEmbed);
bindChartOptions(store);
bindAsking(store);
if (!wanted.includes("loss")) $("chart-overlay").hidden = true;
$("start").addEventListener("click", () => {
  charts.explore(); // a student who starts the comparison watches it live
  session.start();
});
$("stop").addEventListener("click", () => session.stop());

// the plan's request goes out before the settings grid is built (the table waits for it)
if (store.state.lesson && store.state.page.predict === "true") {
  // predict first: nothing answers the question (counts, text, curves) until it is answered
  store.ask();
  session.preview().then((plan) => plan && card.ask(plan.runs, () => session.start()));
} else if (!isEmbed || store.state.page.autoplay === "true") {
  session.start();
} else {
  session.preview().then(() => store.say(t("press_start")));
}
if (!isEmbed) bindWorkspace(store, session, charts);
