"""Online refresh and name search against a local server replaying recorded Wikidata responses."""

from __future__ import annotations

import urllib.request

import pytest

from nieuwsstroom.linkers.errors import WikidataOnlineError
from nieuwsstroom.linkers.wikidata_client import WikidataOnline
from tests.linkers.recorded_wikidata import RecordedWikidata


def _online(api_url: str) -> WikidataOnline:
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return WikidataOnline(api_url, timeout=5, opener=no_proxy)


def test_refresh_stores_entity_from_entity_json(api_url, kb_factory):
    kb = kb_factory([("Q212", "LOC", "Oekraïne", "Ukraine", [], 0.9, "Q212")])
    stored = _online(api_url).refresh(kb, ["Q1899", "Q7747"])
    assert stored == ["Q1899", "Q7747"]
    assert "/wiki/Special:EntityData/Q1899.json" in RecordedWikidata.requests
    kyiv = kb.entity("Q1899")
    assert kyiv.type == "LOC" and kyiv.label_en == "Kyiv" and kyiv.country == "Q212"
    assert kb.entity("Q7747").type == "PER"
    assert {a.qid for a in kb.lookup("Kyjiv")} == {"Q1899"}
    assert "online refresh" in kb.meta()["source"]


def test_unknown_qid_is_a_clear_error(api_url, kb_factory):
    kb = kb_factory([])
    with pytest.raises(WikidataOnlineError, match="Q424242"):
        _online(api_url).refresh(kb, ["Q424242"])


def test_search_and_lookup_name(api_url, kb_factory):
    online = _online(api_url)
    hits = online.search("Kiev")
    assert [(h.qid, h.label) for h in hits] == [("Q1899", "Kiev")]
    assert online.search("Xyzzyplaats") == []
    kb = kb_factory([])
    assert online.lookup_name(kb, "Kiev") == ["Q1899"]
    assert kb.lookup("Kiev")[0].qid == "Q1899"
    query = [r for r in RecordedWikidata.requests if "wbsearchentities" in r][0]
    assert "language=nl" in query and "format=json" in query


def test_unreachable_server_fails_fast(kb_factory):
    online = WikidataOnline(
        "http://127.0.0.1:9/w/api.php",
        timeout=2,
        opener=urllib.request.build_opener(urllib.request.ProxyHandler({})),
    )
    with pytest.raises(WikidataOnlineError):
        online.search("Kiev")


def test_bad_api_url():
    with pytest.raises(WikidataOnlineError, match="http"):
        WikidataOnline("ftp://example/w/api.php")


def test_linker_never_touches_the_network(seed_linker, sample_doc, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the linker opened a socket")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert seed_linker.link(sample_doc)
