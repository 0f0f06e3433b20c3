"""/openapi.json and /docs describe every run key from the one schema."""


def test_openapi_lists_every_run_key(client):
    spec = client.get("/openapi.json").json()
    names = {p["name"] for p in spec["paths"]["/api/stream"]["get"]["parameters"]}
    assert {"batch_size", "learning_rate", "epochs", "dataset"} <= names
    assert client.get("/docs").status_code == 200
