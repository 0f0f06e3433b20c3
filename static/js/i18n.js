// UI strings of the page's language. The server renders them into a JSON script tag; they are
// read on first use (not at import), so the pure modules that translate also load in node.
let strings = null;

export function setStrings(table) {
  strings = table;
}

export function t(key, vars = {}) {
  if (strings === null) setStrings(JSON.parse(document.getElementById("i18n").textContent));
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}
