// The page's configuration, rendered by the server into #page-config (also at /api/schema): the
// run schema, the run limit, the default comparison and the lesson cards. No key, bound or
// default is written here; the pure parsing lives in query.js and schema.js.
import * as query from "./query.js";
import { fields, problemWith, valueText } from "./schema.js";

const config = JSON.parse(document.getElementById("page-config").textContent);
export const SCHEMA = config.schema;
export const KEY_NAMES = Object.keys(SCHEMA.properties);
export const PAGE_KEYS = Object.keys(SCHEMA["x-page-keys"]);
export const VIEWS = SCHEMA["x-views"];
export const MAX_RUNS = config.max_runs;
export const DEFAULT_QUERY = config.default_query;
export const LESSONS = config.lessons;
export const FIELDS = fields(SCHEMA);
const DEFAULTS = Object.fromEntries(FIELDS.map((f) => [f.key, f.default]));

export { problemWith, valueText };

export function valueOf(run, key) {
  return run[key] ?? DEFAULTS[key] ?? "";
}

export const parseQuery = (search, base = "") => query.parseQuery(search, PAGE_KEYS, base);
export const runsQuery = (runs) => query.runsQuery(runs, valueOf, KEY_NAMES[0]);
export const lessonPage = (page, lesson) => query.lessonPage(page, lesson, PAGE_KEYS);
export const withPage = (q, page = {}) => query.withPage(q, page, PAGE_KEYS);
