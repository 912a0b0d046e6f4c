"""TODO(helper): the administrators' page of e-mail: on or off, waiting, failures."""

from flask import Blueprint

bp = Blueprint("outbox", __name__)
