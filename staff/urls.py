"""Staff logins, the staff home, the publication of actuals and the accounts pages (namespace ``staff``)."""

from django.urls import path

from staff import publication, views

app_name = "staff"

urlpatterns = [
    path("", views.StaffHomeView.as_view(), name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("password/set/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password-set"),
    path("password/reset/", views.PasswordForgotView.as_view(), name="password-reset"),
    path("password/reset/sent/", views.PasswordForgotSentView.as_view(), name="password-reset-sent"),
    path("publication/", publication.PublicationView.as_view(), name="publication"),
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path("accounts/invite/", views.AccountInviteView.as_view(), name="account-invite"),
    path("accounts/<int:pk>/", views.AccountEditView.as_view(), name="account-edit"),
    path("accounts/<int:pk>/deactivate/", views.AccountActiveView.as_view(active=False), name="account-deactivate"),
    path("accounts/<int:pk>/reactivate/", views.AccountActiveView.as_view(active=True), name="account-reactivate"),
    path("accounts/<int:pk>/resend/", views.AccountResendView.as_view(), name="account-resend"),
]
