"""The web edge's own guards: input no database can store refused, headers on every answer."""

from __future__ import annotations

from flask import Flask, Response, request

from psad.web.errors import render_error

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


NUL = "\x00"


def nul_byte_place() -> str | None:
    """Where the request carries a NUL byte (which PostgreSQL refuses in text), or None."""
    if NUL in request.path:
        return "l'adresse de la page"
    for name, value in request.args.items(multi=True):
        if NUL in name or NUL in value:
            return f"le paramètre « {name.replace(NUL, '')} » de l'adresse"
    for name, value in request.form.items(multi=True):
        if NUL in name or NUL in value:
            return f"le champ « {name.replace(NUL, '')} » du formulaire"
    for name, upload in request.files.items(multi=True):
        if NUL in name or NUL in (upload.filename or ""):
            return "le nom du fichier envoyé"
    return None


def init(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_bytes() -> tuple[str, int] | None:
        """One rule for every request and both databases: a NUL byte is refused, not stored.

        It runs before any view, so nothing is read from it, written, or saved to disk.
        """
        place = nul_byte_place()
        if place is None:
            return None
        return render_error(
            400,
            f"La requête contient un caractère invalide (octet nul) dans {place} : "
            "retirez-le, puis recommencez.",
        )

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint not in ("static", "bootstrap.static"):
            # Pages and downloads (rejected rows) hold personal data: never in a cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
