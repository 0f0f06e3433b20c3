// Shared cases (tests/cases/<rule>.json), read by node as tests/support/cases.py reads them for pytest.
import { readFileSync } from "node:fs";

export function cases(rule) {
  return JSON.parse(readFileSync(new URL(`../cases/${rule}.json`, import.meta.url), "utf-8")).cases;
}

// a case file's other fields (e.g. the served schema)
export function caseFile(rule) {
  return JSON.parse(readFileSync(new URL(`../cases/${rule}.json`, import.meta.url), "utf-8"));
}
