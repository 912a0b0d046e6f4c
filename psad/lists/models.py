"""Tables of this package: the saved views of the youth list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from psad import clock
from psad.db import Base

NAME_MAX_LENGTH = 80
QUERY_MAX_LENGTH = 500


class SavedListView(Base):
    """A filtered youth list that a user named to come back to (« vue enregistrée »): the
    list's query string, for one user in one PSAD."""

    __tablename__ = "saved_list_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    query: Mapped[str] = mapped_column(String(QUERY_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    # The unique index also answers « this user's views in this PSAD ».
    __table_args__ = (UniqueConstraint("user_id", "psad_id", "name"),)
