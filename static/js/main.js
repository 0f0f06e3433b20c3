// Wiring: the address bar holds the comparison; controls edit it; one stream feeds charts and table.
import { Charts } from "./chart.js";
import { renderControls, fillPresets } from "./controls.js";
import { t } from "./i18n.js";
import { DEFAULT_QUERY, VIEWS, parseQuery, runsQuery, withPage } from "./state.js";
import { checkPlan, openStream } from "./stream.js";
import { renderTable } from "./table.js";
import { Views } from "./views.js";

const $ = (id) => document.getElementById(id);
const isEmbed = document.body.classList.contains("embed");
const parsed = parseQuery(location.search);
let runs = parsed.hasRunKeys ? parsed.runs : parseQuery(DEFAULT_QUERY).runs;
const page = parsed.page;

const charts = new Charts($("chart-overlay"), $("chart-runs"));
// `view` picks the views (an embed shows the loss curves unless it asks for others)
const wanted = (page.view || (isEmbed ? "loss" : VIEWS.join(","))).split(",").filter((v) => VIEWS.includes(v));
const views = new Views(document.body, wanted);
if (!wanted.includes("loss")) $("chart-overlay").hidden = true;
let stream = null;
let plans = [];
let runState = [];
let startedAt = 0;
let tableQueued = false;
let restartTimer = null;

function say(text) { $("status-message").textContent = text; }

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
  });
}

// The address bar, Copy link and Embed all carry the server's canonical link (plan.query).
function writeAddress(query) {
  history.replaceState(null, "", `${location.pathname}?${withPage(query, page)}`);
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
  return checked.plan;
}

function stop() {
  if (!stream) return;
  stream.close();
  stream = null;
  const now = (performance.now() - startedAt) / 1000;
  runState.forEach((r) => {
    if (r.status === "pending" || r.status === "running") Object.assign(r, { status: "stopped", seconds: now });
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
  startedAt = performance.now();
  const elapsed = () => (performance.now() - startedAt) / 1000;
  stream = openStream(query, {
    plan: (p) => { plans = p.runs; },
    points: (d) => {
      charts.addPoints(d);
      views.addCosine(d);
      Object.assign(runState[d.run], { status: "running", received: d.first_update + d.loss.length - 1 });
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
      Object.assign(runState[d.run], { status: d.status, updates: d.updates, seconds: elapsed() });
      drawTable();
    },
    error: (detail) => showErrors([detail]),
    end: () => { stream = null; say(t("status_completed")); },
    lost: () => { stream = null; say(t("status_stopped")); },
  });
}

function edited(newRuns) {
  runs = newRuns;
  if (!isEmbed) renderControls($("controls"), runs, edited);
  clearTimeout(restartTimer);
  restartTimer = setTimeout(start, 300); // a change restarts the comparison, as in the Playground
}

function bindChartOptions() {
  $("x-mode").addEventListener("change", (e) => charts.setOptions({ mode: e.target.value }));
  $("log-y").addEventListener("change", (e) => charts.setOptions({ logY: e.target.checked }));
  $("smoothing").addEventListener("input", (e) => {
    const value = Number(e.target.value);
    $("smoothing-value").textContent = value.toFixed(2);
    charts.setOptions({ smoothing: value });
  });
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(location.href);
  } catch {
    const field = document.createElement("textarea");
    field.value = location.href;
    document.body.append(field);
    field.select();
    document.execCommand("copy");
    field.remove();
  }
  say(t("copied"));
}

function bindWorkspace() {
  renderControls($("controls"), runs, edited);
  fillPresets($("preset-select"), (query) => edited(parseQuery(query).runs));
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
    location.search = withPage(runsQuery(runs), page);
  });
}

bindChartOptions();
$("start").addEventListener("click", start);
$("stop").addEventListener("click", stop);
if (!isEmbed) bindWorkspace();
if (!isEmbed || page.autoplay === "true") start();
else fetchPlan().then(() => say(t("press_start")));
