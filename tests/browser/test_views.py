"""Each view of issue 5 draws with the right number of traces, on the page and in an embed."""
import re

import pytest

from tests.support.browser import on_screen, wait_done

pytestmark = pytest.mark.browser

LINEAR = "/?dataset=linear&n_samples=500&epochs=5&batch_size=full,1,50&learning_rate=0.1&momentum=0,0,0.9&validation_split=0.2"


def traces(page, view):
    return page.evaluate(f"""() => {{ const f = document.querySelector('[data-view={view}]');
        return f.hidden ? null : (f.querySelector('.chart').data || []).map(t => t.type + ':' + (t.name || '')); }}""")


def wait_traces(page, view, count):
    on_screen(page, f"[data-view={view}] .chart")  # a view draws once it is on screen
    page.wait_for_function(f"""n => {{ const f = document.querySelector('[data-view={view}]');
        return !f.hidden && (f.querySelector('.chart').data || []).length === n; }}""", arg=count, timeout=20000)
    return traces(page, view)


def test_linear_views_draw_landscape_paths_fit_noise_and_overfit(page, server, shot):
    page.goto(server.url + LINEAR)
    wait_done(page, 3)
    # contour, an outline, a path and its start/end marks per run, the minimum, the key to the marks
    land = wait_traces(page, "landscape", 1 + 3 * 3 + 1 + 2)
    assert land[0].startswith("contour") and "scatter:minimum" in land
    # the view redraws a little after the last event: wait for every path to reach its last update
    # (longest path first, so the full batch's short one lies on top)
    page.wait_for_function("""() => document.querySelector('[data-view=landscape] .chart').data.filter(t => t.meta)
        .map(t => t.customdata[0] + ':' + t.customdata[t.customdata.length - 1]).join() === '0:2000,0:40,0:5'""")
    assert wait_traces(page, "fit", 2 + 3)[:2] == ["scatter:training data", "scatter:validation data"]
    noise = wait_traces(page, "noise", 3)
    assert len(noise) == 3
    full_batch = page.evaluate("() => document.querySelector('[data-view=noise] .chart').data[0].y")
    assert set(full_batch) == {1}
    # train + validation + best epoch per run, and a shaded region after a best epoch that is not the last
    overfit = wait_traces(page, "overfit", 9)
    assert sum("best epoch" in name for name in overfit) == 3
    assert not page.errors
    shot(page, "views-linear")


def test_moons_shows_decision_boundaries_and_no_landscape(page, server, shot):
    page.goto(server.url + "/?dataset=moons&n_samples=200&epochs=10&batch_size=full,10&model=mlp&optimizer=adam")
    wait_done(page, 2)
    assert traces(page, "landscape") is None
    fit = wait_traces(page, "fit", 2 + 2)  # two classes of training data, one boundary per run
    assert fit[2].startswith("contour") and fit[3].startswith("contour")
    assert traces(page, "overfit") is None  # no validation split
    shot(page, "views-moons")


def test_learning_rate_preset_marks_the_diverged_run(page, server):
    page.goto(server.url + "/?dataset=linear&n_samples=1000&epochs=20&batch_size=32&learning_rate=0.001,0.05,0.3,0.6"
              "&label=too small,good,oscillates,diverges")
    wait_done(page, 4)
    statuses = page.locator("#run-table [data-field=status]").all_inner_texts()
    assert statuses[:3] == ["completed"] * 3 and statuses[3].startswith("diverged at update")
    page.wait_for_function("""() => document.getElementById('chart-overlay').data
        .some(t => t.name.startsWith('diverges') && t.name.includes('diverged at update'))""")


def test_early_stopping_shows_stopped(page, server):
    page.goto(server.url + "/?dataset=moons&n_samples=60&noise=0.4&model=mlp&hidden=64x64&optimizer=adam"
              "&learning_rate=0.05&batch_size=10&epochs=300&validation_split=0.5&patience=,5")
    wait_done(page, 2)
    assert [r.get_attribute("data-status") for r in page.locator("#run-table tr[data-run]").all()] == ["completed", "stopped"]
    texts = page.locator("#run-table [data-col=status]").all_inner_texts()
    assert texts[0] == "completed" and re.fullmatch(r"stopped at epoch \d+", texts[1])  # early stopping ends at an epoch


def test_embed_view_key_chooses_views(page, server, shot):
    page.goto(server.url + "/embed?dataset=linear&n_samples=300&epochs=3&batch_size=full,1&autoplay=true&view=landscape,noise")
    wait_done(page, 2)
    assert page.locator("#chart-overlay").is_hidden()
    wait_traces(page, "landscape", 1 + 3 * 2 + 1 + 2)
    wait_traces(page, "noise", 2)
    assert traces(page, "fit") is None and traces(page, "overfit") is None
    page.goto(server.url + "/embed?dataset=linear&n_samples=300&epochs=3&batch_size=full,1&autoplay=true&lang=ja&view=fit")
    wait_done(page, 2)
    assert page.locator("[data-view=fit] h2").inner_text() == "データと当てはめ"
    shot(page, "embed-fit-ja")


def test_after_stop_the_noise_view_says_why_a_stopped_run_has_no_cosines(page, server):
    # batch normalization: never measured; ~20 s of training (27 s predicted, under the 30 s
    # budget), so it is still training when Stop is pressed even on a slow machine
    page.goto(server.url + "/?dataset=digits&model=mlp&hidden=64x64&batch_norm=true&epochs=500&batch_size=2&seed=5")
    page.wait_for_function("() => document.querySelector('#run-table tr[data-run]')?.dataset.status === 'running'",
                           timeout=20000)
    on_screen(page, "[data-view=noise] .chart")
    page.wait_for_function("() => document.querySelector('[data-view=noise] .chart').data")  # drawn while it runs
    page.click("#stop")
    on_screen(page, "[data-view=noise] .chart")  # a view draws when on screen (the click scrolled to Stop)
    page.wait_for_function("""() => /batch-normalization/.test(
        document.querySelector('[data-view=noise] .chart').getAttribute('aria-label') || '')""", timeout=10000)
    assert page.locator("#run-table tr[data-run]").get_attribute("data-status") == "stopped"
