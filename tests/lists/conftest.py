"""The follow-up's working PSAD (``world``: a pilote, a co-pilote, a partner of the Lycée
Baggio, a reader; Éloïse Lefèvre, 17, assigned to the lycée, and Hugo Martin, 20, assigned to
nobody), the frozen clock and the pilote's client serve the list's tools too."""

from __future__ import annotations

from tests.followup.conftest import frozen_clock, pilot_client, world

__all__ = ["frozen_clock", "pilot_client", "world"]
