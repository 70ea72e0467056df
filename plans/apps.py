from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Strategy plans")

    def ready(self):
        from plans.access import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
