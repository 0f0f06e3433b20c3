"""What tests share: configurations, waiting, live servers, a redis-server, reading streams and
metrics, reading a page's link preview as an unfurler (previews.py), driving the page in a browser
(browser.py), and the cases a rule's Python and JavaScript twins both run (cases.py,
tests/cases/). Tests import these from here, never from one another."""
