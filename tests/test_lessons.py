"""Every preset is a valid comparison within the limits, and its link is already canonical."""
import pytest

from app.lessons import DEFAULT_QUERY, PRESETS
from app.links import parse_comparison
from app.services import check_budget
from app.settings import Settings


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_is_a_valid_comparison(preset):
    runs = parse_comparison(preset.query)
    assert check_budget([r.train_config() for r in runs], Settings()) == []


def test_the_default_comparison_is_the_lesson_of_batch_sizes():
    assert DEFAULT_QUERY == "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100"
    assert len({p.name for p in PRESETS}) == len(PRESETS)
