from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Citizens' pages, open data and the API: published data only."""

    name = "public"
    verbose_name = _("Public site")
