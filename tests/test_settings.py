"""Settings: one pydantic-settings class, each value from a GDV_ environment variable."""


def test_settings_come_from_environment(monkeypatch):
    from app.settings import Settings

    monkeypatch.setenv("GDV_TRAINING_SLOTS", "3")
    monkeypatch.setenv("GDV_MAX_TOTAL_UPDATES", "10")
    s = Settings()
    assert (s.training_slots, s.max_total_updates) == (3, 10)
