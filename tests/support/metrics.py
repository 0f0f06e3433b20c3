"""Reading Prometheus text in tests."""
import re


def metric(text, name, labels=""):
    """The value of one sample (None when it is absent)."""
    match = re.search(rf"^{name}{re.escape(labels)} ([0-9.e+-]+)$", text, re.M)
    return float(match[1]) if match else None
