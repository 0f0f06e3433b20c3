// One EventSource per comparison. The browser resumes a dropped connection with Last-Event-ID.
// Before opening it, /api/plan validates the link: EventSource cannot read a 422's message.

export async function checkPlan(query) {
  const response = await fetch(`/api/plan?${query}`);
  const body = await response.json().catch(() => ({}));
  if (response.ok) return { plan: body };
  // each problem keeps the key it names (loc ["query", key]) so its field can be marked
  const detail = Array.isArray(body.detail) ? body.detail.map((d) => ({ key: (d.loc || [])[1], msg: d.msg }))
    : [{ msg: String(body.detail || response.status) }];
  return { errors: detail, busy: response.status === 503 };
}

export function openStream(query, handlers) {
  const source = new EventSource(`/api/stream?${query}`);
  const on = (name, fn) => source.addEventListener(name, (e) => fn(JSON.parse(e.data)));
  on("plan", handlers.plan);
  on("points", handlers.points);
  on("eval", handlers.eval);
  on("done", handlers.done);
  on("path", handlers.path);
  on("boundary", handlers.boundary);
  // "error" is both the server's event (with data) and the browser's connection error (without)
  source.addEventListener("error", (e) => {
    if (e.data) handlers.error(JSON.parse(e.data).detail);
    else if (source.readyState === EventSource.CLOSED) handlers.lost();
  });
  on("end", () => {
    source.close(); // otherwise the browser would reconnect after the server closes
    handlers.end();
  });
  return { close: () => source.close() };
}
