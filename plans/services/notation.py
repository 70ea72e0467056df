"""Public interface kept at its import path; the rules live in ``plans.rules.notation``."""

from plans.rules.notation import *  # noqa: F403
