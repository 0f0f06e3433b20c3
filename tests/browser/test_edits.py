"""Edits made while the runs train, through the contract's page hooks (#settings [name][data-run],
#stop, #run-table rows' data-status): every edit stays in the form and the link, a value being
typed survives an earlier edit's restart, and the status line says what Stop did."""
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


# trains for many seconds (a stream of three MLP runs on 100000 examples): edits land mid-run
TRAINING = "/?dataset=moons&n_samples=100000&epochs=8&batch_size=full,1,100&model=mlp&hidden=64x64"
TRAINS = "() => [...document.querySelectorAll('#run-table progress')].some(p => p.value > 0)"
RUN2 = "#settings [name=batch_size][data-run='1']"


def linked(*pairs):
    return lambda url: all(parse_qs(urlsplit(url).query).get(k) == [v] for k, v in pairs)


def test_edits_made_while_the_runs_train_all_stay(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + TRAINING)
    page.wait_for_function(TRAINS)
    page.evaluate("""() => { window.said = [];  // every status the line says from now on
        const line = document.getElementById('status-message');
        new MutationObserver(() => said.push(line.textContent)).observe(line, { childList: true }); }""")
    # three edits before the grid is drawn again (a long run's charts keep the frames busy):
    # each acts on the runs the one before made, none goes back to the link's
    page.evaluate("""([run2]) => {
        for (const [selector, value] of [[run2, '2'], ['#settings [name=learning_rate]', '0.005'],
                                         ['#settings [name=epochs]', '1']]) {
          const el = document.querySelector(selector);
          el.value = value;
          el.dispatchEvent(new Event('change'));
        } }""", [RUN2])
    page.wait_for_url(linked(("batch_size", "full,2,100"), ("learning_rate", "0.005"), ("epochs", "1")))
    expect(page.locator(RUN2)).to_have_value("2")
    expect(page.locator("#settings [name=learning_rate]")).to_have_value("0.005")
    expect(page.locator("#settings [name=epochs]")).to_have_value("1")
    # the restart stops the old stream without saying so: the line says running next
    expect(page.locator("#status-message")).to_have_text("running")
    assert "stopped" not in page.evaluate("said")
    # a value being typed while an earlier edit restarts the runs is neither drawn away nor
    # committed half typed; committed, it joins that edit
    rate = page.locator("#settings [name=learning_rate]")
    rate.fill("")
    rate.press_sequentially("0.00")
    page.evaluate("([run2]) => { const el = document.querySelector(run2); el.value = '10'; el.dispatchEvent(new Event('change')); }", [RUN2])
    page.wait_for_url(linked(("batch_size", "full,10,100"), ("learning_rate", "0.005")))
    expect(rate).to_have_value("0.00")
    rate.press_sequentially("1")
    rate.press("Enter")
    page.wait_for_url(linked(("batch_size", "full,10,100"), ("learning_rate", "0.001"), ("epochs", "1")))
    expect(page.locator(RUN2)).to_have_value("10")
    assert page.errors == []


def test_stop_right_after_an_edit_stops_and_the_link_keeps_the_edit(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + TRAINING)
    page.wait_for_function(TRAINS)
    # Stop pressed before the edit's restart (in the same task): nothing starts again
    page.evaluate("""() => { const el = document.querySelector('#settings [name=epochs]');
        el.value = '2';
        el.dispatchEvent(new Event('change'));
        document.getElementById('stop').click(); }""")
    page.wait_for_url(linked(("epochs", "2")))  # the edit's plan: the link is the form's
    expect(page.locator("#status-message")).to_have_text("stopped")
    expect(page.locator("#run-table tr[data-run][data-status=pending]")).to_have_count(3)  # the plan, not running
    assert page.errors == []
