// Wiring: the address bar holds the comparison; controls edit it; one stream feeds charts and table.
import { Charts } from "./chart.js";
import { CodePanel, copyText } from "./code.js";
import { renderControls } from "./controls.js";
import { t } from "./i18n.js";
import { LessonCard } from "./lesson.js";
import { DEFAULT_QUERY, LESSONS, VIEWS, parseQuery, runsQuery, withPage } from "./state.js";
import { checkPlan, openStream } from "./stream.js";
import { renderTable } from "./table.js";
import { Views } from "./views.js";

const $ = (id) => document.getElementById(id);
const isEmbed = document.body.classList.contains("embed");
const parsed = parseQuery(location.search);
const page = parsed.page;
const card = new LessonCard(LESSONS);
const lesson = card.byName(page.lesson);
if (!lesson) delete page.lesson;
let runs = parsed.hasRunKeys ? parsed.runs : parseQuery(lesson ? lesson.query : DEFAULT_QUERY).runs;
const predicting = Boolean(lesson) && page.predict === "true";

const charts = new Charts($("chart-overlay"), $("chart-runs"));
// chart options from the link (x, logx, logy, smooth), so a shared link reproduces the picture
const X_MODES = ["epochs", "updates", "examples", "seconds"];
charts.setOptions({ mode: X_MODES.includes(page.x) ? page.x : "epochs", logX: page.logx === "true", logY: page.logy === "true",
  smoothing: page.smooth !== undefined && Number.isFinite(Number(page.smooth)) ? Math.min(0.99, Math.max(0, Number(page.smooth))) : null });
// `view` picks the views (an embed shows the loss curves unless it asks for others)
const wanted = (page.view || (isEmbed ? "loss" : VIEWS.join(","))).split(",").filter((v) => VIEWS.includes(v));
const views = new Views(document.body, wanted);
if (!wanted.includes("loss")) $("chart-overlay").hidden = true;
let stream = null;
let plans = [];
let runState = [];
let tableQueued = false;
let restartTimer = null;

function say(text) { $("status-message").textContent = text; }
const code = new CodePanel($("code-panel"), say);

function showErrors(messages) {
  const box = $("errors");
  box.hidden = !messages.length;
  const title = document.createElement("p");
  title.textContent = t("errors");
  const list = document.createElement("ul");
  for (const msg of messages) {
    const li = document.createElement("li");
    li.textContent = msg;
    list.append(li);
  }
  box.replaceChildren(title, list);
}

function drawTable() {
  if (tableQueued) return;
  tableQueued = true;
  requestAnimationFrame(() => {
    tableQueued = false;
    renderTable($("run-table"), plans, runState);
    if (runState.some((r) => r.status === "running")) setTimeout(drawTable, 250); // live compute time
  });
}

// The address bar, Copy link and Embed all carry the server's canonical link (plan.query).
let address = "";

function writeAddress(query) {
  address = query;
  history.replaceState(null, "", `${location.pathname}?${withPage(query, page)}`);
  code.show(query);
  if (isEmbed) {
    $("open-full").href = `/?${withPage(query, { lang: page.lang })}`;
    return;
  }
  $("download-csv").href = `/api/history?${query}&format=csv`;
  $("download-json").href = `/api/history?${query}`;
  const src = `${location.origin}/embed?${withPage(query, { lang: page.lang, autoplay: "true" })}`;
  $("embed-snippet").value = `<iframe src="${src.replace(/"/g, "&quot;")}" width="100%" height="520" ` +
    `style="border:0" loading="lazy" title="${t("title")}"></iframe>`;
}

// The plan of the form's runs; on a refusal the errors show and the link keeps the user's input.
async function fetchPlan() {
  const transport = runsQuery(runs);
  const checked = await checkPlan(transport);
  if (checked.errors) {
    showErrors(checked.errors);
    writeAddress(transport);
    if (checked.busy) { say(t("busy")); restartTimer = setTimeout(start, 3000); }
    return null;
  }
  showErrors([]);
  writeAddress(checked.plan.query);
  card.show(card.lesson, checked.plan.query);
  return checked.plan;
}

function stop() {
  if (!stream) return;
  stream.close();
  stream = null;
  const now = performance.now();
  runState.forEach((r) => {
    if (r.status === "pending" || r.status === "running") {
      Object.assign(r, { status: "stopped", seconds: r.started === undefined ? undefined : (now - r.started) / 1000 });
    }
  });
  drawTable();
}

async function start() {
  stop();
  clearTimeout(restartTimer);
  const plan = await fetchPlan();
  if (!plan) return;
  const query = plan.query;
  plans = plan.runs;
  runState = plans.map(() => ({ status: "pending", received: 0 }));
  charts.reset(plans);
  views.reset(plans, query);
  drawTable();
  say(t("status_running"));
  stream = openStream(query, {
    plan: (p) => { plans = p.runs; },
    points: (d) => {
      charts.addPoints(d);
      views.addCosine(d);
      const run = runState[d.run];
      if (run.started === undefined) run.started = performance.now();
      Object.assign(run, { status: "running", received: d.first_update + d.loss.length - 1 });
      drawTable();
    },
    eval: (d) => {
      charts.addEval(d);
      views.addEval(d);
      Object.assign(runState[d.run], { trainLoss: d.train_loss, valLoss: d.val_loss });
      drawTable();
    },
    path: (d) => views.addPath(d),
    boundary: (d) => views.setBoundary(d),
    done: (d) => {
      charts.markDone(d);
      views.markDone(d);
      Object.assign(runState[d.run], { status: d.status, updates: d.updates, seconds: d.seconds });
      drawTable();
    },
    error: (detail) => showErrors([detail]),
    end: () => { stream = null; say(t("status_completed")); card.tell(plans, runState); },
    lost: () => { stream = null; say(t("status_stopped")); },
  });
}

function edited(newRuns) {
  runs = newRuns;
  card.choice = null;
  if (!isEmbed) renderControls($("controls"), runs, edited);
  clearTimeout(restartTimer);
  restartTimer = setTimeout(start, 300); // a change restarts the comparison, as in the Playground
}

function bindChartOptions() {
  const option = (key, value, chartOption) => {
    page[key] = value;
    charts.setOptions(chartOption);
    history.replaceState(null, "", `${location.pathname}?${withPage(address, page)}`);
  };
  const o = charts.options;
  $("x-mode").value = o.mode;
  $("log-x").checked = o.logX;
  $("log-y").checked = o.logY;
  const showSmoothing = () => {
    $("smoothing").value = String(o.smoothing ?? 0);
    $("smoothing-value").textContent = o.smoothing === null ? t("smooth_auto") : o.smoothing.toFixed(2);
  };
  showSmoothing();
  $("x-mode").addEventListener("change", (e) => option("x", e.target.value, { mode: e.target.value }));
  $("log-x").addEventListener("change", (e) => option("logx", String(e.target.checked), { logX: e.target.checked }));
  $("log-y").addEventListener("change", (e) => option("logy", String(e.target.checked), { logY: e.target.checked }));
  $("smoothing").addEventListener("input", (e) => {
    option("smooth", e.target.value, { smoothing: Number(e.target.value) });
    showSmoothing();
  });
  $("smooth-auto").addEventListener("click", () => {
    delete page.smooth;
    option("smooth", undefined, { smoothing: null });
    showSmoothing();
  });
}

async function copyLink() {
  await copyText(location.href);
  say(t("copied"));
}

function bindWorkspace() {
  renderControls($("controls"), runs, edited);
  card.fillMenu($("lesson-select"), (picked) => {
    page.lesson = picked.name;
    card.show(picked);
    edited(parseQuery(picked.query).runs);
  });
  $("copy-link").addEventListener("click", copyLink);
  $("embed-button").addEventListener("click", (e) => {
    const box = $("embed-box");
    box.hidden = !box.hidden;
    e.target.setAttribute("aria-expanded", String(!box.hidden));
    if (!box.hidden) $("embed-snippet").select();
  });
  $("download-png").addEventListener("click", () => charts.png());
  $("lang-select").addEventListener("change", (e) => {
    page.lang = e.target.value;
    location.search = withPage(address || runsQuery(runs), page);
  });
}

bindChartOptions();
card.show(lesson);
$("start").addEventListener("click", start);
$("stop").addEventListener("click", stop);
if (!isEmbed) bindWorkspace();
// before a run starts, the table shows the plan: update counts and predicted compute time
function showPlan(plan) {
  if (!plan) return null;
  plans = plan.runs;
  runState = plans.map(() => ({ status: "pending" }));
  drawTable();
  return plan;
}

if (predicting) {
  // predict first: the curves appear once the question is answered
  fetchPlan().then(showPlan).then((plan) => plan && card.ask(plan.runs, start));
} else if (!isEmbed || page.autoplay === "true") {
  start();
} else {
  fetchPlan().then(showPlan).then(() => say(t("press_start")));
}
