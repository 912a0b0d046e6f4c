"""Questions about youth: the search of the youth list.

Which youth a viewer may see is decided in ``psad.access.youth``; the queries here take that
scope as a condition.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import selectinload

from psad.db import contains_text
from psad.youth.identifiers import fold
from psad.youth.models import Youth

# A search is a few words of a name, or an INE. SQLite refuses a LIKE pattern past 50,000
# bytes and a condition about 1,000 terms deep; ten words cover the longest compound names
# once folded ("jean pierre marie de la tour d auvergne" is eight).
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 10


def search_youth(scope: ColumnElement[bool], text: str | None = None) -> Select[Youth]:
    """The youth list: youth in ``scope`` (``psad.access.youth.youth_scope``) whose name
    (accents and case ignored) or INE matches.

    The form refuses a longer text; here it is cut to SEARCH_MAX_LENGTH characters and
    SEARCH_MAX_WORDS words, whoever calls.
    """
    query = select(Youth).where(scope).options(selectinload(Youth.cases))
    text = (text or "")[:SEARCH_MAX_LENGTH]
    words = fold(text).split()[:SEARCH_MAX_WORDS]
    if words:
        compact = text.replace(" ", "").upper()
        by_name = and_(*(contains_text(Youth.search_key, word) for word in words))
        # an INE is 11 letters and digits, one digit at least: other searches are names only,
        # and the list's index answers them without reading the rows
        looks_like_ine = len(compact) == 11 and compact.isalnum() and not compact.isalpha()
        query = query.where(or_(by_name, Youth.ine == compact) if looks_like_ine else by_name)
    return query.order_by(Youth.search_key, Youth.id)
