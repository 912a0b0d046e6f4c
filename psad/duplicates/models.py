"""Probable duplicates found in a PSAD, « pas un doublon » remembered, and the merges made.

The pairs are found once and kept (``probable_duplicates``), so that the page reads a page
of them by an index whatever the size of the PSAD: each youth's blocking keys
(``duplicate_keys``, see ``psad.duplicates.rules``) and the version of the youth they were
computed from (``duplicate_checks``) tell which youth changed since and must be compared
again (``psad.duplicates.services.refresh_pairs``). These three tables are derived: a merge
drops the merged-away youth's rows, and they can be rebuilt from the youth at any time.

A dismissal names its two youth in canonical order (the smaller id first), so that a pair is
one row whichever way it was seen. A merge remembers the merged-away youth's id (its row is
gone: not a foreign key) and the youth kept, so that the old file's address leads to the kept
one (``psad.duplicates.queries.merged_into``); it names the fields whose value came from the
merged-away file, never the values themselves.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.db import Base
from psad.duplicates import rules
from psad.youth.models import Youth


class DuplicateKey(Base):
    """One blocking key of a youth: youth sharing a key are compared by the rules."""

    __tablename__ = "duplicate_keys"

    youth_id: Mapped[int] = mapped_column(
        ForeignKey("youths.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The youth's PSAD, copied (no foreign key: a first pass writes hundreds of thousands of
    # keys, each foreign key a look-up; the youth's own one keeps the row honest).
    psad_id: Mapped[int]

    # the youth sharing a key, from the index alone; on SQLite the primary key is the table
    __table_args__ = (
        Index("ix_duplicate_keys_psad_key_youth", "psad_id", "key", "youth_id"),
        {"sqlite_with_rowid": False},
    )


class DuplicateCheck(Base):
    """The version of a youth (and its PSAD) that its keys and pairs were computed from."""

    __tablename__ = "duplicate_checks"

    youth_id: Mapped[int] = mapped_column(
        ForeignKey("youths.id", ondelete="CASCADE"), primary_key=True
    )
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    version: Mapped[int]


class YouthPair:
    """Two youth of a PSAD in canonical order (the smaller id first): the key of a pair."""

    low_youth_id: Mapped[int] = mapped_column(
        ForeignKey("youths.id", ondelete="CASCADE"), primary_key=True
    )
    high_youth_id: Mapped[int] = mapped_column(
        ForeignKey("youths.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))


CANONICAL_ORDER = "low_youth_id < high_youth_id"


class ProbableDuplicate(YouthPair, Base):
    """Two youth of a PSAD that are probably the same person, why
    (``psad.duplicates.rules.Reason`` codes, strongest first) and the strongest reason's
    rank, by which the page lists them."""

    __tablename__ = "probable_duplicates"

    strength: Mapped[int]
    reasons: Mapped[str] = mapped_column(String(200))

    low: Mapped[Youth] = relationship(foreign_keys="ProbableDuplicate.low_youth_id")
    high: Mapped[Youth] = relationship(foreign_keys="ProbableDuplicate.high_youth_id")

    @property
    def reason_list(self) -> tuple[rules.Reason, ...]:
        return rules.decode(self.reasons)

    __table_args__ = (
        CheckConstraint(CANONICAL_ORDER, name="canonical_order"),
        Index(
            "ix_probable_duplicates_order", "psad_id", "strength", "low_youth_id", "high_youth_id"
        ),
    )


class DuplicateDismissal(YouthPair, Base):
    """Two youth of a PSAD that a pilote or co-pilote said are not the same person."""

    __tablename__ = "duplicate_dismissals"

    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dismissed_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (CheckConstraint(CANONICAL_ORDER, name="canonical_order"),)


class YouthMerge(Base):
    """A youth merged into another: the old id, the one kept, who, when, what was chosen."""

    __tablename__ = "youth_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    merged_id: Mapped[int]  # not a foreign key: the merged-away row is deleted
    kept_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(default=clock.now)
    # JSON, names and ids only (no personal value): "from_merged" and "changed" (field
    # names), "closed_case_id", "folded_listings" ([{"batch_id", "line"}]),
    # "repeated_guardians" (how many)
    detail_json: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (Index(None, "merged_id", unique=True),)

    @property
    def detail(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.detail_json or "{}")
        return data
