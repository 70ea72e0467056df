"""Staff logins, the staff home, the publication of actuals and the accounts pages (namespace ``staff``)."""

from django.urls import path

from staff import accounts, home, publication

app_name = "staff"

urlpatterns = [
    path("", home.StaffHomeView.as_view(), name="home"),
    path("login/", home.StaffLoginView.as_view(), name="login"),
    path("logout/", home.StaffLogoutView.as_view(), name="logout"),
    path("password/set/<uidb64>/<token>/", home.PasswordSetView.as_view(), name="password-set"),
    path("password/reset/", home.PasswordForgotView.as_view(), name="password-reset"),
    path("password/reset/sent/", home.PasswordForgotSentView.as_view(), name="password-reset-sent"),
    path("publication/", publication.PublicationView.as_view(), name="publication"),
    path("accounts/", accounts.AccountListView.as_view(), name="accounts"),
    path("accounts/invite/", accounts.AccountInviteView.as_view(), name="account-invite"),
    path("accounts/<int:pk>/", accounts.AccountEditView.as_view(), name="account-edit"),
    path("accounts/<int:pk>/deactivate/", accounts.AccountActiveView.as_view(active=False), name="account-deactivate"),
    path("accounts/<int:pk>/reactivate/", accounts.AccountActiveView.as_view(active=True), name="account-reactivate"),
    path("accounts/<int:pk>/resend/", accounts.AccountResendView.as_view(), name="account-resend"),
]
