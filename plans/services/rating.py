"""Public interface kept at its import path; the rules live in ``plans.rules.rating``."""

from plans.rules.rating import *  # noqa: F403
