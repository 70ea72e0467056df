"""Staff logins in the product: log in and out, set or reset a password, and the staff home
they land on (what each department has left to enter)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from plans import access
from plans.selectors.data_calls import department_todo, open_calls
from plans.services.actuals import default_entry_year
from staff.entry import StaffRequiredMixin, departments_for
from staff.todo import DepartmentTodo, entry_todo


class StaffLoginView(auth_views.LoginView):
    """Django's login (django-axes counts failures through the request it passes on)."""

    template_name = "staff/login.html"


class StaffLogoutView(auth_views.LogoutView):
    """Log out (POST only); lands on the public home (``LOGOUT_REDIRECT_URL``)."""


class JapaneseMailForm(PasswordResetForm):
    """The password-reset mail, always in the site's language (Japanese)."""

    def send_mail(self, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            super().send_mail(*args, **kwargs)


class PasswordForgotView(auth_views.PasswordResetView):
    """「パスワードを忘れた場合」: mail a link to set a new password (same page as the invitation)."""

    form_class = JapaneseMailForm
    template_name = "staff/password_reset.html"
    email_template_name = "staff/email/password_reset.txt"
    subject_template_name = "staff/email/password_reset_subject.txt"
    success_url = reverse_lazy("staff:password-reset-sent")


class PasswordForgotSentView(auth_views.PasswordResetDoneView):
    template_name = "staff/password_reset_sent.html"


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Set a password from an invitation or reset link, then land on the staff home logged in.

    A deactivated login's link does not work: deactivating must not be undone by an old mail.
    """

    template_name = "staff/password_set.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("staff:home")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. You are logged in."))
        return response


class StaffHomeView(StaffRequiredMixin, TemplateView):
    """What a login has to do: the open data calls (照会) asking its departments (counts, days left
    or late, the entry link), each department's KPIs of the entry year (owned, entered, 集計中,
    missing), a planner's open calls, the plans it may open, and links by role. Queries do not
    grow with departments or KPIs."""

    template_name = "staff/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        year = default_entry_year()
        todo = entry_todo(user, year)
        roles = access.roles_of(user)
        is_planner = access.PLANNER in roles
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "departments": [
                (department, todo.get(department.pk, DepartmentTodo(department.pk)))
                for department in departments_for(user)
            ],
            "plans": access.visible_plans(user)
            .select_related("municipality")
            .order_by("municipality__code", "first_year", "slug"),
            "calls": department_todo(user),
            "open_calls": open_calls(user) if is_planner else [],
            "is_planner": is_planner,
            "is_administrator": access.ADMINISTRATOR in roles,
        }
