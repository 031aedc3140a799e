from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_onboarding, views_privacy

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(
        success_url=reverse_lazy("accounts:password_reset_done"),
        email_template_name="registration/password_reset_email.html"), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        success_url=reverse_lazy("accounts:password_reset_complete")), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("language/", views.choose_language, name="language"),
    path("profile/", views.profile, name="profile"),
    path("account/", views.account, name="account"),
    path("account/data/", views_privacy.personal_data, name="personal_data"),
    path("account/data/<uuid:export_id>/", views_privacy.personal_data_download, name="personal_data_download"),
    path("account/delete/", views_privacy.delete_account, name="delete_account"),
    path("two-factor/", views.two_factor_home, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("invitations/", views_onboarding.invitations, name="invitations"),
    path("invitations/<int:pk>/revoke/", views_onboarding.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", views_onboarding.invitation_resend, name="invitation_resend"),
    path("invitations/accept/<str:token>/", views_onboarding.invitation_accept, name="invitation_accept"),
    path("register/", views_onboarding.register, name="register"),
    path("registrations/", views_onboarding.registrations, name="registrations"),
    path("self-registration/", views_onboarding.self_registration, name="self_registration"),
    path("verify-email/<str:token>/", views_onboarding.verify_email, name="verify_email"),
]
