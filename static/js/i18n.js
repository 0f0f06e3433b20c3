// UI strings of the page's language, rendered by the server into a JSON script tag.
const strings = JSON.parse(document.getElementById("i18n").textContent);

export function t(key, vars = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

// Plotly reads a few tags in names; entities make any label plain text there.
export function plain(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function formatNumber(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}
