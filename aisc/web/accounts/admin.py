from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from aisc.web.accounts.models import ApiToken, Membership, Organisation, Role, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name_en", "name_zh", "kind", "registration_code")
    search_fields = ("name_en", "name_zh", "registration_code")
    list_filter = ("kind",)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    list_display = ("code", "name_en", "name_zh")


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
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
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("digest", "prefix")
