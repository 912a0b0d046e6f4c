"""Flask extensions, created unbound and initialised in ``create_app``."""

from __future__ import annotations

from typing import Any

from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect

from psad.db import Base

login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
bootstrap = Bootstrap5()


class PsadSession(FlaskSession):
    """Flask-SQLAlchemy's session, except that an explicit ``bind`` wins.

    The test suite binds the session to a connection whose outer transaction it rolls back
    after each test (PostgreSQL); the application itself never sets ``bind``.
    """

    def get_bind(
        self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any
    ) -> Any:
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": PsadSession})
