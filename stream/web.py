"""Web views added to Faust's own web server."""

from __future__ import annotations

from typing import Any

import faust
from faust.web import Request, Response, View


def register_views(app: faust.App) -> None:
    """Add /health and /pipeline/stats (Faust's /router/ and /table/ stay as they are)."""

    @app.page("/health")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok"})

    @app.page("/pipeline/stats")
    class Stats(View):
        async def get(self, request: Request) -> Response:
            ctx: dict[str, Any] = app.nieuwsstroom  # type: ignore[attr-defined]
            return self.json(ctx["stats"].snapshot())
