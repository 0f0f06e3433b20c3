"""Dependencies: the comparison, the resume cursor, the rate limit and client departure."""


def test_bad_last_event_id_is_422(client):
    r = client.get("/api/stream?batch_size=1,2", headers={"Last-Event-ID": "nonsense"})
    assert r.status_code == 422 and "Last-Event-ID" in r.json()["detail"][0]["msg"]


def test_a_link_is_parsed_and_planned_once_however_many_open_it():
    from app.api.deps import parsed

    one = parsed("batch_size=full,1&epochs=2", 8)
    assert parsed("batch_size=full,1&epochs=2", 8) is one
    assert parsed("batch_size=full,1&epochs=3", 8) is not one
    assert one.plan is parsed("batch_size=full,1&epochs=2", 8).plan
