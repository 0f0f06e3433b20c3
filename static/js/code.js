// The "take it home" panel: the comparison as a Keras or PyTorch script from /api/code,
// fetched only while the panel is open, with copy and download.
import { t } from "./i18n.js";

export class CodePanel {
  constructor(root, say) {
    this.root = root;
    this.say = say;
    this.framework = "keras";
    this.query = null;
    this.shown = null; // the address of the script on show
    this.text = root.querySelector("#code-text code");
    this.download = root.querySelector("#code-download");
    root.addEventListener("toggle", () => this.refresh());
    root.querySelectorAll(".code-framework").forEach((button) => {
      button.addEventListener("click", () => this.pick(button.dataset.framework));
    });
    root.querySelector("#code-copy").addEventListener("click", () => this.copy());
  }

  url() {
    return `/api/code?${this.query}&framework=${this.framework}`;
  }

  // the comparison changed (its canonical query)
  show(query) {
    this.query = query;
    this.download.href = this.url();
    this.refresh();
  }

  pick(framework) {
    this.framework = framework;
    this.root.querySelectorAll(".code-framework").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.framework === framework));
    });
    this.download.href = this.url();
    this.download.download = `gradient_descent_${framework}.py`;
    this.refresh();
  }

  async refresh() {
    if (!this.root.open || !this.query) return;
    const url = this.url();
    if (url === this.shown) return;
    this.shown = url;
    const response = await fetch(url);
    const text = await response.text();
    if (this.shown === url) this.text.textContent = response.ok ? text : JSON.stringify(JSON.parse(text).detail);
  }

  async copy() {
    await copyText(this.text.textContent);
    this.say(t("code_copied"));
  }
}

// The clipboard, or a selected text field where the page may not use it (http, old browsers).
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const field = document.createElement("textarea");
    field.value = text;
    document.body.append(field);
    field.select();
    document.execCommand("copy");
    field.remove();
  }
}
