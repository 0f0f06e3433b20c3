// Wiring only: the store, the frame scheduler, the views that subscribe to the store, the session
// that feeds it, and what the page does first (predict, autoplay or wait for Start).
import { LossCharts } from "./chart.js";
import { CodePanel } from "./code.js";
import { Frames } from "./frames.js";
import { t } from "./i18n.js";
import { LessonCard } from "./lesson.js";
import { bindAddress, bindChartOptions, bindMessages, bindWorkspace } from "./page.js";
import { chartOptions, wantedViews } from "./query.js";
import { Session } from "./session.js";
import { DEFAULT_QUERY, LESSONS, VIEWS, parseQuery } from "./state.js";
import { Store } from "./store.js";
import { RunTable } from "./table.js";
import { Views } from "./views.js";

const $ = (id) => document.getElementById(id);
const isEmbed = document.body.classList.contains("embed");

function initialState() {
  const { runs, page, hasRunKeys } = parseQuery(location.search);
  const lesson = LESSONS.find((l) => l.name === page.lesson) || null;
  if (!lesson) delete page.lesson;
  const fromLink = hasRunKeys ? runs : parseQuery(lesson ? lesson.query : DEFAULT_QUERY).runs;
  return { runs: fromLink, page, lesson, options: chartOptions(page) };
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
if (!wanted.includes("loss")) $("chart-overlay").hidden = true;
$("start").addEventListener("click", () => session.start());
$("stop").addEventListener("click", () => session.stop());
if (!isEmbed) bindWorkspace(store, session, charts);

if (store.state.lesson && store.state.page.predict === "true") {
  // predict first: the curves appear once the question is answered
  session.preview().then((plan) => plan && card.ask(plan.runs, () => session.start()));
} else if (!isEmbed || store.state.page.autoplay === "true") {
  session.start();
} else {
  session.preview().then(() => store.say(t("press_start")));
}
