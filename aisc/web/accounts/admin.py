from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aisc.web.accounts.models import ApiToken, Membership, Organisation, Role, User
from aisc.web.audit.admin import ReadOnly, ReadOnlyAdmin, ReadOnlyInline

# aisc's permissions are roles (Role, authz), never Django groups: no page to edit them unaudited.
admin.site.unregister(Group)
# Second-factor devices hold secrets and change only through accounts.second_factor's audited
# actions (enrol, new recovery codes, an admin's reset on the staff page).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name_en", "name_zh", "kind", "registration_code")
    search_fields = ("name_en", "name_zh", "registration_code")
    list_filter = ("kind",)


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_en", "name_zh")


class MembershipInline(ReadOnlyInline):
    model = Membership


@admin.register(User)
class UserAdmin(ReadOnly, BaseUserAdmin[User]):
    """Read-only: accounts, roles and memberships change through the do_* actions."""

    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    filter_horizontal = ("roles",)
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Roles", {"fields": ("roles", "is_active", "is_staff", "is_superuser")}),
        ("Review", {"fields": ("declared_relationships", "digest_mail")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("digest", "prefix")
