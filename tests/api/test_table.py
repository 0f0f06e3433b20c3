"""The run table's first rows as the server draws them (app/api/table.py); that they equal
table.js' own rows is checked in the browser (tests/browser/test_speed.py)."""
from app import i18n
from app.api.table import breakable, first_rows
from app.comparison import Comparison
from app.links import parse_comparison


def test_labels_break_after_their_parts_and_stay_text():
    assert str(breakable("learning_rate=0.5")) == "learning_<wbr>rate=<wbr>0.5"
    assert str(breakable("<b>&")) == "&lt;b&gt;&amp;"


def test_rows_follow_the_plan_in_the_pages_language():
    comparison = Comparison(parse_comparison("dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100"))
    table = first_rows(comparison.plan, i18n.strings("pt-BR"))
    assert [row["cells"]["total_updates"] for row in table["rows"]] == [20, 20000, 200]
    assert {row["cells"]["status"] for row in table["rows"]} == {"aguardando"}
    assert table["rows"][1]["formula"].startswith("teto(1000 / 1) = 1000 atualizações por época")
    assert "final_val_loss" not in [field for field, _ in table["middle"]]  # no run holds out data


def test_a_validation_column_takes_the_compute_times_place_on_phones():
    comparison = Comparison(parse_comparison("dataset=linear&n_samples=1000&epochs=5&batch_size=10&validation_split=0.2"))
    table = first_rows(comparison.plan, i18n.strings("en"))
    phone = {field: shown for field, shown in table["middle"]}
    assert phone["final_val_loss"] and not phone["seconds"]
