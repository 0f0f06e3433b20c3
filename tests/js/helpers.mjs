// Shared by the node tests: English strings for t(), and a plan of one run.
import { readFileSync } from "node:fs";
import { setStrings } from "../../static/js/i18n.js";

const table = JSON.parse(readFileSync(new URL("../../app/i18n/strings.json", import.meta.url), "utf-8"));
setStrings(Object.fromEntries(Object.entries(table).map(([key, langs]) => [key, langs.en])));

export function plan({ n = 100, b = 10, epochs = 2, variant = "mini-batch", label = "run", nVal = 0 } = {}) {
  const ipe = Math.ceil(n / b);
  return { label, variant, n_train: n, n_val: nVal, batch_size: b, iterations_per_epoch: ipe, epochs,
    total_updates: ipe * epochs, predicted_seconds: 0.5 };
}
