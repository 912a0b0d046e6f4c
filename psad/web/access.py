"""View decorators that apply the permission predicates of ``psad.auth.permissions``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import login_required

from psad.access.viewer import Viewer
from psad.web.session import current_viewer

F = TypeVar("F", bound=Callable[..., Any])


def requires(check: Callable[[Viewer], bool], message: str) -> Callable[[F], F]:
    """Log-in required, then ``check(viewer)`` or 403 with a French ``message``."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not check(current_viewer()):
                abort(403, description=message)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


NO_NAMES = "Votre rôle ne donne pas accès aux dossiers nominatifs des jeunes."
ADMIN_ONLY = "Cette page est réservée aux administrateurs."

sees_youth = requires(lambda v: v.sees_youth, NO_NAMES)
admin_only = requires(lambda v: v.can_administer, ADMIN_ONLY)
