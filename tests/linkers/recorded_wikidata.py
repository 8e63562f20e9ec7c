"""A local stand-in for the Wikidata API: serves recorded responses on loopback.

Used by the linker tests and by the worker end-to-end test (whose worker
subprocess reaches it over 127.0.0.1). Responses live in tests/linkers/data/api/
in Wikidata's real formats (Special:EntityData JSON, wbsearchentities).
"""

from __future__ import annotations

import contextlib
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).parent / "data"
API = DATA / "api"


class RecordedWikidata(BaseHTTPRequestHandler):
    """Serves /wiki/Special:EntityData/<QID>.json and /w/api.php?action=wbsearchentities."""

    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self.requests.append(self.path)
        url = urllib.parse.urlsplit(self.path)
        body: bytes | None = None
        if url.path.startswith("/wiki/Special:EntityData/"):
            qid = url.path.rsplit("/", 1)[1].removesuffix(".json")
            file = API / f"EntityData_{qid}.json"
            body = file.read_bytes() if file.is_file() else None
        elif url.path == "/w/api.php":
            query = urllib.parse.parse_qs(url.query)
            if query.get("action") == ["wbsearchentities"]:
                file = API / f"wbsearchentities_{query['search'][0]}.json"
                body = (
                    file if file.is_file() else API / "wbsearchentities_empty.json"
                ).read_bytes()
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_wikidata(handler: type[RecordedWikidata] = RecordedWikidata) -> Iterator[str]:
    """Run the server in a thread; yield its API URL; shut it down and join the thread."""
    handler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
