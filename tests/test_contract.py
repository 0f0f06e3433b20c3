"""docs/contract.md keeps the shared contract's text whole, then this repository's additions."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "CONTRACT.md"


def test_the_repository_holds_the_contract_and_the_readme_links_it():
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    assert text.startswith("# The public contract") and "# This repository's additions" in text
    assert "docs/contract.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(not SHARED.exists(), reason="the shared contract is not beside this checkout")
def test_the_copy_is_in_sync_with_the_shared_contract():
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    assert text.startswith(SHARED.read_text(encoding="utf-8"))


def test_every_page_only_key_of_the_contract_is_ignored_by_the_api():
    from app.schemas import PAGE_KEYS

    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    for key in ("lang", "autoplay", "v", "view", "x", "logx", "logy", "smooth", "lesson", "predict"):
        assert (f"`{key}`" in text or f"`{key}=" in text) and key in PAGE_KEYS
