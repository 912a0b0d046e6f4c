"""One log line per request, with ids only: what ran, for whom, how it ended, how long.

Never the query string nor the form (a search holds names), never a youth's details: the
route's pattern, the record ids of the URL, the status and the user's id.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request, session

log = logging.getLogger("psad.requests")


def init(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        if request.endpoint in ("static", "bootstrap.static"):
            return response
        started = g.get("request_started")
        elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
        ids = {k: v for k, v in (request.view_args or {}).items() if isinstance(v, int)}
        log.info(
            "%s %s %s -> %d user=%s %.0f ms",
            request.method,
            request.url_rule.rule if request.url_rule else "(aucune route)",
            " ".join(f"{k}={v}" for k, v in ids.items()) or "-",
            response.status_code,
            # the id the signed session holds: no database read after the view committed
            # (a background import may be using the connection then)
            session.get("_user_id", "-"),
            elapsed,
        )
        return response
