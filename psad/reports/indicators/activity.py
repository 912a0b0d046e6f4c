"""The bilan's activity indicators, after the funnel: delays, DARFI and obligation de
formation, comités, orientations and places, transfers and contacts. Each is written in a
module of its own (``activity_*``); this one gives their order."""

from psad.reports.figures import Indicator
from psad.reports.indicators.activity_delays import DELAYS, LEGAL
from psad.reports.indicators.activity_meetings import COMMITTEES, ORIENTATIONS
from psad.reports.indicators.activity_moves import MOVES

INDICATORS: list[Indicator] = [*DELAYS, *LEGAL, *COMMITTEES, *ORIENTATIONS, *MOVES]
