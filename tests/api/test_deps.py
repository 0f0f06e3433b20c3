"""Dependencies: the comparison, the resume cursor, the rate limit and client departure."""


def test_bad_last_event_id_is_422(client):
    r = client.get("/api/stream?batch_size=1,2", headers={"Last-Event-ID": "nonsense"})
    assert r.status_code == 422 and "Last-Event-ID" in r.json()["detail"][0]["msg"]
