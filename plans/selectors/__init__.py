"""Every read: querysets with their joins and prefetches (``base``), and the stored progress as
screens read it (``progress``). ``plans.selectors.X`` names either."""

from plans.selectors.base import *  # noqa: F403
from plans.selectors.progress import *  # noqa: F403
