"""Flask extensions, created unbound and initialised in ``create_app``."""

from __future__ import annotations

from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
bootstrap = Bootstrap5()
