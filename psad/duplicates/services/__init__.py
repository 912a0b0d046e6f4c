"""Keeping the probable pairs up to date, « pas un doublon », and merging two youth files.

Plain functions: they flush, never commit; they receive the acting user, the day, the time
and the audit actor; a refusal is a ``DomainError`` with its French message.
"""

from psad.duplicates.services.merge import (
    MERGED_REASON,
    STALE_MERGE,
    MergeRequest,
    MergeVersionError,
    merge_youth,
)
from psad.duplicates.services.pairs import (
    count_pairs,
    count_stale,
    dismiss_pair,
    refresh_pairs,
    stale_youth,
)
from psad.duplicates.services.references import (
    BOTH_HOLDING,
    DERIVED,
    OWN_RULE,
    PREPARED,
    UnhandledReferenceError,
    unhandled_references,
    youth_references,
)

__all__ = [
    "BOTH_HOLDING",
    "DERIVED",
    "MERGED_REASON",
    "OWN_RULE",
    "PREPARED",
    "STALE_MERGE",
    "MergeRequest",
    "MergeVersionError",
    "UnhandledReferenceError",
    "count_pairs",
    "count_stale",
    "dismiss_pair",
    "merge_youth",
    "refresh_pairs",
    "stale_youth",
    "unhandled_references",
    "youth_references",
]
