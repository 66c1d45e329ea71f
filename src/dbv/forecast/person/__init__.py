"""Person-level caseload engine: primary need x setting group x National Curriculum Year,
stepped each January, with joiners, leavers, movers and need changes (see ``model``)."""

from dbv.forecast.person.backtest import backtest_person
from dbv.forecast.person.config import PersonConfig
from dbv.forecast.person.frames import summarise, tidy
from dbv.forecast.person.model import PersonLevelModel
from dbv.forecast.person.project import project
from dbv.forecast.person.rates import Paths, Rates

__all__ = [
    "Paths",
    "PersonConfig",
    "PersonLevelModel",
    "Rates",
    "backtest_person",
    "project",
    "summarise",
    "tidy",
]
