"""django-axes under a name staff can read in the admin index, in Korean or English."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AxesAppConfig):
    """django-axes itself; its admin section is otherwise headed by the bare word "Axes"."""

    verbose_name = _("Login protection")
