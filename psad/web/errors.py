"""Error pages in French; a domain error becomes its message with its status."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from psad.errors import DomainError

log = logging.getLogger(__name__)

TITLES = {
    400: "Requête invalide",
    401: "Connexion requise",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Action non permise",
    409: "Conflit",
    413: "Fichier trop volumineux",
    422: "Saisie invalide",
    429: "Trop de tentatives",
    500: "Erreur interne",
}
MESSAGES = {
    400: "La requête n'a pas pu être comprise.",
    401: "Connectez-vous pour continuer.",
    403: "Vous n'avez pas accès à cette page.",
    404: "Cette page n'existe pas ou ne fait pas partie de vos dossiers.",
    405: "Cette action n'est pas permise sur cette page.",
    413: "Le fichier envoyé dépasse la taille maximale autorisée.",
    500: "Une erreur inattendue s'est produite ; elle a été enregistrée. Réessayez plus tard.",
}


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    return render_template(
        "errors/error.html",
        status=status,
        title=TITLES.get(status, "Erreur"),
        message=message or MESSAGES.get(status, ""),
    ), status


def init(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            "Le formulaire a expiré ou son jeton de sécurité (CSRF) manque. "
            "Rechargez la page et recommencez.",
        )

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> tuple[str, int]:
        return render_error(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        description = error.description if status in (403, 409, 422, 429) else None
        return render_error(status, description)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        log.exception("unexpected error: %s", type(error).__name__)
        return render_error(500)
