"""Online refresh and name lookup against the Wikidata API (explicit, never on the hot path).

Entity JSON by QID comes through the `wikidata` client (its `Entity.load()`
reads `<base>/wiki/Special:EntityData/<QID>.json`); name search uses the API's
`wbsearchentities` action. Both URLs derive from one configurable API URL
(`NIEUWSSTROOM_WIKIDATA_API_URL`, default https://www.wikidata.org/w/api.php),
so tests point them at a local server with recorded responses. What is learnt
is stored in the knowledge base; the linker itself stays offline.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nieuwsstroom.linkers.errors import WikidataOnlineError
from nieuwsstroom.linkers.kb_sqlite import KnowledgeBase
from nieuwsstroom.linkers.wikidata_json import entity_from_json

DEFAULT_API_URL = "https://www.wikidata.org/w/api.php"
USER_AGENT = "nieuwsstroom/0.1 (Dutch news entity linking; offline-first)"


class _TimeoutOpener(urllib.request.OpenerDirector):
    """An opener whose every request has a timeout (the `wikidata` client sets none)."""

    def __init__(self, timeout: float, inner: urllib.request.OpenerDirector) -> None:
        super().__init__()
        self._timeout = timeout
        self._inner = inner

    def open(self, fullurl: Any, data: Any = None, timeout: float | None = None) -> Any:  # type: ignore[override]
        return self._inner.open(fullurl, data, timeout=timeout or self._timeout)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One `wbsearchentities` result."""

    qid: str
    label: str
    description: str


class WikidataOnline:
    """Fetches entity JSON and searches names; stores results via `refresh`/`lookup_name`."""

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        timeout: float = 10.0,
        opener: urllib.request.OpenerDirector | None = None,
    ) -> None:
        from wikidata.client import Client

        parts = urllib.parse.urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise WikidataOnlineError(f"Expected an http(s) API URL, got {api_url!r}")
        self.api_url = api_url
        # https://host/w/api.php -> https://host/ (Special:EntityData lives at /wiki/ there)
        base_path = (
            parts.path.rsplit("/w/api.php", 1)[0] if parts.path.endswith("/w/api.php") else ""
        )
        self.base_url = urllib.parse.urlunsplit(
            (parts.scheme, parts.netloc, base_path + "/", "", "")
        )
        inner = opener or urllib.request.build_opener()
        self._opener = _TimeoutOpener(timeout, inner)
        self._client = Client(self.base_url, opener=self._opener, user_agent=USER_AGENT)

    def fetch_entity(self, qid: str) -> dict[str, Any]:
        """The entity JSON (Wikidata's own format); follows redirects as the client does."""
        from wikidata.entity import EntityId

        try:
            entity = self._client.get(EntityId(qid), load=True)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise WikidataOnlineError(f"Fetching {qid} from {self.base_url} failed: {exc}") from exc
        if entity.data is None:
            raise WikidataOnlineError(f"{qid} does not exist on {self.base_url}")
        return dict(entity.data)

    def search(self, name: str, language: str = "nl", limit: int = 5) -> list[SearchHit]:
        """`wbsearchentities`: items whose label or alias matches `name`."""
        query = urllib.parse.urlencode(
            {
                "action": "wbsearchentities",
                "search": name,
                "language": language,
                "uselang": language,
                "type": "item",
                "limit": str(limit),
                "format": "json",
            }
        )
        request = urllib.request.Request(
            f"{self.api_url}?{query}", headers={"User-Agent": USER_AGENT}
        )
        try:
            with self._opener.open(request) as response:
                payload = json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise WikidataOnlineError(
                f"Searching {name!r} at {self.api_url} failed: {exc}"
            ) from exc
        if "error" in payload:
            raise WikidataOnlineError(f"Wikidata API error for {name!r}: {payload['error']}")
        return [
            SearchHit(hit["id"], hit.get("label", ""), hit.get("description", ""))
            for hit in payload.get("search", [])
            if isinstance(hit, dict) and "id" in hit
        ]

    def refresh(self, kb: KnowledgeBase, qids: Iterable[str]) -> list[str]:
        """Fetch each QID and upsert it with its nl/en labels and aliases; returns stored QIDs."""
        stored = []
        for qid in qids:
            parsed = entity_from_json(self.fetch_entity(qid), classes=None)
            if parsed is None:
                continue
            record, aliases = parsed
            kb.upsert_entities([record])
            kb.add_aliases(aliases)
            stored.append(record.qid)
        if stored:
            source = kb.meta().get("source", "unknown")
            kb.finish_build(source if "online refresh" in source else source + " + online refresh")
        return stored

    def lookup_name(self, kb: KnowledgeBase, name: str, limit: int = 3) -> list[str]:
        """Search `name` and store the top hits, so the next offline run can link them."""
        hits = self.search(name, limit=limit)
        return self.refresh(kb, [h.qid for h in hits])
