"""The app is built in one place: routers, handlers, middleware and the documented schema."""
from app.main import create_app
from app.settings import Settings


def test_openapi_describes_the_run_configuration(client):
    spec = client.get("/openapi.json").json()
    config = spec["components"]["schemas"]["RunConfig"]
    assert config == client.get("/api/schema").json()
    batch = next(p for p in spec["paths"]["/api/plan"]["get"]["parameters"] if p["name"] == "batch_size")
    assert batch["schema"]["anyOf"][0]["anyOf"][0]["maximum"] == 1_000_000


def test_every_route_is_there(client):
    assert {"/api/plan", "/api/stream", "/api/history", "/api/dataset", "/api/landscape", "/api/schema",
            "/healthz", "/metrics"} <= set(client.get("/openapi.json").json()["paths"])
    for path in ("/", "/embed", "/vendor/plotly.min.js", "/static/js/main.js"):
        assert client.get(path).status_code == 200, path


def test_settings_reach_the_app():
    app = create_app(Settings(max_runs=3))
    assert app.state.settings.max_runs == 3
