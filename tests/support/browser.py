"""What the browser tests share: waiting for a comparison to finish, reading the run table and
the charts through the contract's page hooks (#run-table, #chart-overlay traces' meta), bringing
a chart on screen (charts draw only there), and axe-core."""
from __future__ import annotations

from pathlib import Path

# where browser tests save their screenshots (git-ignored)
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"

# resultTypes: axe still runs every rule, but spends no time listing the passes
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}

# scrolls an element into view unless part of it is on screen already (a chart draws only when it
# is on screen, as a user scrolling to it would see it)
ON_SCREEN = """el => { if (!el || !el.offsetParent) return;
    const r = el.getBoundingClientRect();
    if (r.bottom <= 0 || r.top >= innerHeight) el.scrollIntoView({ block: 'nearest' }); }"""


def on_screen(page_or_frame, selector):
    page_or_frame.evaluate(f"() => ({ON_SCREEN})(document.querySelector({selector!r}))")


# each run's line on a loss chart, in run order: its smoothed loss, or a full-batch run's exact loss
# (never smoothed)
RUN_LINES = """(chart => { const lines = [];
    for (const t of chart.data || []) {
      if (!t.meta || !['loss', 'smoothed'].includes(t.meta.series)) continue;
      if (t.meta.series === 'smoothed' || !lines[t.meta.run]) lines[t.meta.run] = t;
    }
    return lines.filter(Boolean); })"""


def explore_chart(page_or_frame):
    """Reach for the loss chart as a student would (the pointer over it): a cached comparison's
    chart box holds the server's picture, and the live chart is drawn only when reached for."""
    chart = page_or_frame.locator("#chart-overlay")
    if chart.is_visible():
        chart.hover()
        page = getattr(page_or_frame, "page", page_or_frame)  # a frame's page
        page.mouse.move(0, 0)  # and away again: no hover label over the chart in a screenshot


def wait_done(page_or_frame, runs, timeout=30000):
    """Every run's status is final and #chart-overlay (unless the link's `view` hides it) has drawn
    each run's line up to the last update the table shows received (reached for, explore_chart)."""
    page_or_frame.locator("#run-table [data-field=status]").nth(runs - 1).wait_for(timeout=timeout)
    page_or_frame.wait_for_function(
        """n => { const rows = [...document.querySelectorAll('#run-table tr[data-run]')];
                  return rows.length === n && rows.every(r => !/pending|running/.test(r.dataset.status)); }""",
        arg=runs, timeout=timeout)
    on_screen(page_or_frame, "#chart-overlay")
    explore_chart(page_or_frame)
    page_or_frame.wait_for_function(
        """() => { const chart = document.getElementById('chart-overlay');
                   if (!chart.offsetParent) return true;
                   const totals = [...document.querySelectorAll('#run-table progress')].map(p => p.value);
                   const ends = RUN_LINES(chart).map(t => t.customdata.length ? t.customdata[t.customdata.length - 1][0] : 0);
                   return ends.length === totals.length && ends.every((e, i) => e === totals[i]); }""".replace("RUN_LINES", RUN_LINES),
        timeout=timeout)


def column(page, field):
    return page.locator(f"#run-table [data-field={field}]").all_inner_texts()


def run_traces(page, series=None):
    """#chart-overlay's traces of runs (meta.run set), optionally of one series kind."""
    return page.evaluate("""series => (document.getElementById('chart-overlay').data || [])
        .filter(t => t.meta && t.meta.run !== undefined && (!series || t.meta.series === series))""", series)


def draw_every_chart(page):
    """Scroll the page a screen at a time, waiting at each stop for the charts there to draw, then
    back to the top: a full-page screenshot then shows every chart (each draws once on screen)."""
    page.evaluate("""async () => {
        const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 20)));
        const onScreen = el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; };
        const charts = [...document.querySelectorAll('.chart')].filter(el => el.offsetParent);
        for (let top = 0; top < document.documentElement.scrollHeight; top += innerHeight) {
          scrollTo(0, top);
          await frame();
          for (let i = 0; i < 50 && charts.some(el => onScreen(el) && !el.data); i++) await frame();
        }
        scrollTo(0, 0); await frame(); }""")


def serious(page):
    """axe-core's serious and critical WCAG 2.1 AA violations: (rule, impact, first targets)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=WCAG).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
            if v["impact"] in ("serious", "critical")]
