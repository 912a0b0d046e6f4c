"""Questions of the list's tools: the user's saved views, the youth a bulk action works on."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from psad.lists.models import SavedListView
from psad.youth.models import Case, Youth


def saved_views(session: Session, *, user_id: int, psad_id: int) -> list[SavedListView]:
    """The user's views in this PSAD, by name."""
    return list(
        session.scalars(
            select(SavedListView)
            .where(SavedListView.user_id == user_id, SavedListView.psad_id == psad_id)
            .order_by(SavedListView.name, SavedListView.id)
        )
    )


def selected_youth(
    session: Session, scope: ColumnElement[bool], ids: Collection[int]
) -> list[Youth]:
    """The youth of ``ids`` that ``scope`` lets the viewer see (the others are dropped
    silently: whether they exist is not the viewer's to know), by name, with their cases and
    referents loaded for a bulk action."""
    if not ids:
        return []
    return list(
        session.scalars(
            select(Youth)
            .where(scope, Youth.id.in_(ids))
            .options(
                selectinload(Youth.cases).options(
                    joinedload(Case.referent_user), joinedload(Case.referent_structure)
                )
            )
            .order_by(Youth.search_key, Youth.id)
        )
    )


def listed_ids(session: Session, listed: Select[Youth], *, limit: int) -> list[int]:
    """The ids of a list's first ``limit`` youth, in its order."""
    return list(session.scalars(listed.with_only_columns(Youth.id).limit(limit)))


def listed_count(session: Session, listed: Select[Youth]) -> int:
    query = select(func.count()).select_from(listed.with_only_columns(Youth.id).subquery())
    return session.scalar(query) or 0
