// Wiring only: the store (from the page's link), the frame scheduler, the views that subscribe to
// the store, and the session that feeds it and decides what the page does first.
import { LossCharts } from "./chart.js";
import { CodePanel } from "./code.js";
import { Frames } from "./frames.js";
import { LessonCard } from "./lesson.js";
import { bindAddress, bindAsking, bindChartOptions, bindMessages, bindWorkspace, linkedState, showNotices } from "./page.js";
import { wantedViews } from "./query.js";
import { Session } from "./session.js";
import { VIEWS } from "./state.js";
import { Store } from "./store.js";
import { RunTable } from "./table.js";
import { Views } from "./views.js";

const $ = (id) => document.getElementById(id);
const isEmbed = document.body.classList.contains("embed");

const { state, notices } = linkedState();
showNotices(notices, state.options.mode);
const store = new Store(state);
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

session.begin(isEmbed, (runs, onAnswer) => card.ask(runs, onAnswer));
if (!isEmbed) bindWorkspace(store, session, charts, frames);
