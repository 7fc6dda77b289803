from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from aisc.web.accounts import (
    links,
    org_views,
    second_factor_views,
    signup_views,
    staff_views,
    views,
)
from aisc.web.accounts.forms import EmailAuthenticationForm
from aisc.web.accounts.throttling import (
    PasswordResetAddressThrottle,
    PasswordResetClientThrottle,
    throttle_view,
)

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        throttle_view(PasswordResetAddressThrottle, PasswordResetClientThrottle)(
            links.ResetView.as_view(
                form_class=links.ResetForm,
                success_url=reverse_lazy("accounts:password_reset_done"),
                email_template_name="registration/password_reset_email.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        links.ResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("signup/", signup_views.sign_up, name="signup"),
    path("verify/<str:token>/", signup_views.verify_email, name="verify_email"),
    path(
        "organisations/register/",
        signup_views.register_organisation,
        name="register_organisation",
    ),
    path("organisations/join/", signup_views.join, name="join"),
    path(
        "organisations/<int:org_id>/requests/<int:invitation_id>/",
        signup_views.answer_join_request,
        name="answer_join_request",
    ),
    path(
        "organisations/<int:org_id>/documents/",
        signup_views.add_document,
        name="add_document",
    ),
    path(
        "organisations/<int:org_id>/documents/<int:document_id>/",
        signup_views.download_document,
        name="registration_document",
    ),
    path(
        "organisations/<int:org_id>/verify/",
        signup_views.verify_organisation,
        name="verify_organisation",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("profile/", views.profile, name="profile"),
    path("invitations/", views.my_invitations, name="invitations"),
    path("organisations/", org_views.my_organisations, name="organisations"),
    path("organisations/<int:org_id>/", org_views.organisation_detail, name="organisation"),
    path("organisations/<int:org_id>/edit/", org_views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:org_id>/invite/", org_views.invite_member, name="invite_member"),
    path(
        "organisations/<int:org_id>/members/<int:membership_id>/role/",
        org_views.change_member_role,
        name="change_member_role",
    ),
    path(
        "organisations/<int:org_id>/members/<int:membership_id>/remove/",
        org_views.remove_member,
        name="remove_member",
    ),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/<int:user_id>/", staff_views.staff_edit, name="staff_edit"),
    path(
        "staff/<int:user_id>/two-factor/reset/",
        second_factor_views.reset,
        name="reset_two_factor",
    ),
    path("two-factor/", second_factor_views.two_factor, name="two_factor"),
]
