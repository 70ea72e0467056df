"""The accounts pages, where an administrator (システム管理者) manages its municipality's logins.

The views find a login only among ``accounts.manageable_users`` (404 for any other) and call
``plans.services.accounts`` for every write, which checks the same rules again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from plans import access
from plans.services import accounts
from staff.entry import StaffRequiredMixin
from staff.forms import AccountForm, InviteForm

NOT_SENT = gettext_lazy("The login was created but the invitation could not be sent. Send it again from the list.")


class AdministratorRequiredMixin(StaffRequiredMixin):
    """Logged-in administrators (and superusers) only; others get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.can_manage_users(request.user):
            raise PermissionDenied(_("Only an administrator may manage logins."))
        return super().dispatch(request, *args, **kwargs)

    def get_account(self):
        """The login in the URL, among those this administrator may manage (404 for any other)."""
        return get_object_or_404(
            accounts.manageable_users(self.request.user).select_related("staff_profile__municipality"),
            pk=self.kwargs["pk"],
        )

    def site_url(self) -> str:
        return f"{self.request.scheme}://{self.request.get_host()}"


class AccountListView(AdministratorRequiredMixin, TemplateView):
    template_name = "staff/accounts/list.html"

    def get_context_data(self, **kwargs):
        users = (
            accounts.manageable_users(self.request.user)
            .select_related("staff_profile__municipality")
            .prefetch_related("groups", "staff_profile__departments")
            .order_by("staff_profile__municipality__code", "username")
        )
        return {
            **super().get_context_data(**kwargs),
            "municipality": access.municipality_of(self.request.user),
            "rows": [(user, accounts.role_of(user)) for user in users],
        }


class AccountInviteView(AdministratorRequiredMixin, TemplateView):
    """Invite a login by e-mail: it gets a link to set its own password."""

    template_name = "staff/accounts/invite.html"

    def get_form(self):
        user = self.request.user
        ask = user.is_superuser and access.municipality_of(user) is None
        return InviteForm(self.request.POST or None, municipality=access.municipality_of(user), ask_municipality=ask)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": kwargs.get("form") or self.get_form()}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = accounts.invite(
                    actor=request.user,
                    email=data["email"],
                    name=data["name"],
                    role=data["role"],
                    departments=data["departments"],
                    municipality=data.get("municipality"),
                    site_url=self.site_url(),
                )
            except accounts.AccountRefused as refusal:
                form.add_error(None, str(refusal))
            except OSError:
                messages.error(request, NOT_SENT)
                return redirect("staff:accounts")
            else:
                messages.success(request, _("Sent an invitation to {email}.").format(email=user.email))
                return redirect("staff:accounts")
        return self.render_to_response(self.get_context_data(form=form))


class AccountEditView(AdministratorRequiredMixin, TemplateView):
    """Change a login's role and departments."""

    template_name = "staff/accounts/edit.html"

    def get_form(self, account):
        initial = {"role": accounts.role_of(account), "departments": account.staff_profile.departments.all()}
        return AccountForm(self.request.POST or None, initial=initial, municipality=account.staff_profile.municipality)

    def get(self, request, *args, **kwargs):
        account = self.get_account()
        return self.render_to_response(self.get_context_data(account=account, form=self.get_form(account)))

    def post(self, request, *args, **kwargs):
        account = self.get_account()
        form = self.get_form(account)
        if form.is_valid():
            try:
                accounts.update_staff(
                    actor=request.user,
                    user=account,
                    role=form.cleaned_data["role"],
                    departments=form.cleaned_data["departments"],
                )
            except accounts.AccountRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Saved the login {username}.").format(username=account.get_username()))
                return redirect("staff:accounts")
        return self.render_to_response(self.get_context_data(account=account, form=form))


class AccountActiveView(AdministratorRequiredMixin, View):
    """Deactivate or reactivate a login (POST)."""

    active = False

    def post(self, request, *args, **kwargs):
        account = self.get_account()
        try:
            accounts.set_active(actor=request.user, user=account, active=self.active)
        except accounts.AccountRefused as refusal:
            messages.error(request, str(refusal))
        else:
            text = _("Reactivated {username}.") if self.active else _("Deactivated {username}.")
            messages.success(request, text.format(username=account.get_username()))
        return redirect("staff:accounts")


class AccountResendView(AdministratorRequiredMixin, View):
    """Send the invitation again to a login that has not set its password (POST)."""

    def post(self, request, *args, **kwargs):
        account = self.get_account()
        try:
            accounts.send_invitation(actor=request.user, user=account, site_url=self.site_url())
        except accounts.AccountRefused as refusal:
            messages.error(request, str(refusal))
        except OSError:
            messages.error(request, _("The invitation could not be sent. Try again later."))
        else:
            messages.success(request, _("Sent the invitation again to {email}.").format(email=account.email))
        return redirect("staff:accounts")
