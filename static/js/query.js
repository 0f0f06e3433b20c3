// Query strings <-> the form's runs. The canonical link is the server's `plan.query`; these only
// read the address bar before the server answers and carry the form's runs to it.

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

const encode = (text) => encodeURIComponent(text);

// Raw query -> the lists of each run key and the page-only keys. Lists split on literal commas
// before items are decoded, as the server does (a comma inside a label travels as %2C).
export function splitQuery(search, pageKeys) {
  const lists = {};
  const page = {};
  for (const part of search.replace(/^\?/, "").split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    const key = decode(at < 0 ? part : part.slice(0, at));
    const items = (at < 0 ? "" : part.slice(at + 1)).split(",").map(decode);
    if (pageKeys.includes(key)) page[key] = items.join(",");
    else lists[key] = items; // unknown keys are kept so the API can name them
  }
  return { lists, page };
}

// The runs the form shows until the server's plan answers with each run's configuration: run i
// takes item i of a list, or its one item. (The server is the judge: mismatched lengths, bad
// values and too many runs come back as its 422.) base: the lesson's query when the link names
// one: its comparison with the link's run keys on top, a key's list in the link replacing the
// lesson's (`lesson=batch_size&seed=3`: the three batch sizes, each with seed 3); the same rule
// as app/sharing.py.
export function parseQuery(search, pageKeys, base = "") {
  const { lists: own, page } = splitQuery(search, pageKeys);
  const lists = { ...splitQuery(base, pageKeys).lists, ...own };
  const n = Math.max(1, ...Object.values(lists).map((v) => v.length));
  const runs = Array.from({ length: n }, (_, i) =>
    Object.fromEntries(Object.entries(lists).map(([key, values]) => [key, values.length > 1 ? values[i] ?? "" : values[0]])));
  return { runs, page, hasRunKeys: Object.keys(own).length > 0, link: listsQuery(lists) };
}

// the run keys of a link as it wrote them (each key's list as given, whatever its length)
export function listsQuery(lists) {
  return Object.entries(lists).map(([key, items]) => `${encode(key)}=${items.map(encode).join(",")}`).join("&");
}

// The form's runs as a query for the server: every key some run sets, one item per run (so the
// run count always travels); `fallback(run, key)` gives a run's value of a key it does not set.
export function runsQuery(runs, fallback, firstKey) {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  if (!keys.length) keys.push(firstKey);
  return keys.map((key) => `${encode(key)}=${runs.map((r) => encode(fallback(r, key))).join(",")}`).join("&");
}

// The canonical link (the server's plan.query) followed by the page-only keys that are set.
export function withPage(query, page, pageKeys) {
  const extra = pageKeys.filter((k) => page[k] !== undefined && page[k] !== "").map((k) => `${k}=${encode(page[k])}`);
  return [query, ...extra].filter(Boolean).join("&");
}

// the configuration the server gives a run (plan.runs[i].config) as the form's texts
export function configTexts(config) {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, value === null ? "" : String(value)]));
}

// The page keys a lesson opens with (its card's `page`, e.g. logy=true) under those the link sets.
export function lessonPage(page, lesson, pageKeys) {
  return { ...(lesson ? splitQuery(lesson.page || "", pageKeys).page : {}), ...page };
}

export const X_MODES = ["epochs", "updates", "examples", "seconds"];

// the chart options a link sets (x, logx, logy, smooth), so a shared link reproduces the picture;
// smoothing null: each run's own weight
export function chartOptions(page) {
  const smooth = Number(page.smooth);
  return { mode: X_MODES.includes(page.x) ? page.x : "epochs", logX: page.logx === "true", logY: page.logy === "true",
    smoothing: page.smooth !== undefined && page.smooth !== "" && Number.isFinite(smooth) ? Math.min(0.99, Math.max(0, smooth)) : null };
}

// the views a link asks for (`view`); an embed shows the loss curves unless it asks for others
export function wantedViews(page, isEmbed, views) {
  return (page.view || (isEmbed ? "loss" : views.join(","))).split(",").filter((v) => views.includes(v));
}

// A link's language as the page's own code: `zh`, `pt` or `ZH-cn` that the server served as
// zh-CN or pt-BR (html lang) are written back as that code, so a shared link keeps its language;
// anything else stays as written (and gets its notice).
export function spokenAs(linked, served) {
  if (!linked) return linked;
  const primary = (tag) => tag.toLowerCase().split("-")[0];
  return primary(linked) === primary(served) ? served : linked;
}

// What a link asks for that the page does not have (an unknown lesson, language or x axis): each
// a notice {key, value, names} to show instead of ignoring it. known: {lesson: [...names],
// lang: [...codes], x: [...modes]}; the page's language is the one the server picked.
export function linkNotices(page, known) {
  return ["lesson", "lang", "x"]
    .filter((key) => page[key] !== undefined && page[key] !== "" && !known[key].includes(page[key]))
    .map((key) => ({ key, value: page[key], names: known[key].join(", ") }));
}

// The page's first state from its link (search): the lesson it names, whose comparison takes the
// link's run keys on top; the page keys over the card's own (chart options); and what the link
// asks for that the page lacks (notices: those keys are left out of the links the page writes).
// link: the run keys as written, sent for the first plan. served: the page's language (html lang);
// known: as linkNotices; lessons: the cards; defaultQuery: the comparison without a lesson or runs.
export function initialState(search, { pageKeys, lessons, defaultQuery, served, known }) {
  const linked = splitQuery(search, pageKeys).page;
  const lesson = lessons.find((l) => l.name === linked.lesson) || null;
  const { runs, hasRunKeys, link } = parseQuery(search, pageKeys, lesson ? lesson.query : "");
  const page = lessonPage(linked, lesson, pageKeys);
  if (page.lang) page.lang = spokenAs(page.lang, served);
  const options = chartOptions(page);
  const notices = linkNotices(page, known);
  for (const { key } of notices) delete page[key];
  const shown = hasRunKeys ? runs : parseQuery(lesson ? lesson.query : defaultQuery, pageKeys).runs;
  return { state: { runs: shown, page, lesson, options, link: hasRunKeys ? link : null }, notices };
}

const attribute = (text) => String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

// The Embed control's iframe: the page's whole link (comparison, lesson, predict, lang, view,
// chart options) plus autoplay, and a title naming the comparison.
export function embedSnippet(origin, query, page, pageKeys, title) {
  const src = `${origin}/embed?${withPage(query, { ...page, autoplay: "true" }, pageKeys)}`;
  return `<iframe src="${attribute(src)}" width="100%" height="520" style="border:0" loading="lazy" ` +
    `title="${attribute(title)}"></iframe>`;
}
