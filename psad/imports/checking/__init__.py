"""Step 3 of an import: each row checked, and the rows of one youth merged.

``analyse_file`` reads a list (``psad.imports.reader``), finds its header
(``psad.imports.profiles``) and checks its rows in two steps (``rows``, ``merging``): the
identity columns at once, the other columns (``cells``) while the import writes. The
``Analysis`` it returns is what the preview shows and what ``psad.imports.services``
applies.
"""

from psad.imports.checking.analysis import (
    CHUNK,
    Analysis,
    Progress,
    analyse_file,
    file_hash,
    no_progress,
)
from psad.imports.checking.problems import Problem, ProblemLevel
from psad.imports.checking.rows import ParsedRow

__all__ = [
    "CHUNK",
    "Analysis",
    "ParsedRow",
    "Problem",
    "ProblemLevel",
    "Progress",
    "analyse_file",
    "file_hash",
    "no_progress",
]
