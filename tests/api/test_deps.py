"""Dependencies: the comparison, the resume cursor, the rate limit and client departure."""
from app.api.deps import Links
from app.settings import Settings


def test_bad_last_event_id_is_422(client):
    r = client.get("/api/stream?batch_size=1,2", headers={"Last-Event-ID": "nonsense"})
    assert r.status_code == 422 and "Last-Event-ID" in r.json()["detail"][0]["msg"]


def test_a_link_is_parsed_and_planned_once_however_many_open_it():
    links = Links(Settings(parsed_links=2))
    one = links.parse("batch_size=full,1&epochs=2")
    assert links.parse("batch_size=full,1&epochs=2") is one
    assert links.parse("batch_size=full,1&epochs=3") is not one
    assert one.plan is links.parse("batch_size=full,1&epochs=2").plan
    links.parse("batch_size=1")
    links.parse("batch_size=2")  # past GDV_PARSED_LINKS: the least recent link is parsed again
    assert links.parse("batch_size=full,1&epochs=2") is not one


def test_each_app_keeps_its_own_parsed_links(make_client):
    first, second = make_client(max_runs=2), make_client()
    assert first.get("/api/plan?batch_size=1,2,3").status_code == 422  # not another app's parse
    assert second.get("/api/plan?batch_size=1,2,3").status_code == 200
    assert first.app.state.links is not second.app.state.links
