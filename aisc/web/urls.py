"""URL map of the portal, admin and API."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from aisc.web.api_v1 import api
from aisc.web.portal.language import choose_language

urlpatterns = [
    # First: Django tries the patterns in order, and an API call (most of the traffic) would
    # otherwise be compared with every portal page's pattern before its own (~0.1 ms a call).
    path("api/v1/", api.urls),
    path("", include("aisc.web.ops.urls")),
    path("", include("aisc.web.queues.urls")),
    path("accounts/", include("aisc.web.accounts.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("audit/", include("aisc.web.backoffice.audit_urls")),
    path("allocations/", include("aisc.web.allocations.urls")),
    path("billing/", include("aisc.web.billing.urls")),
    path("catalogue/", include("aisc.web.catalogue.urls")),
    path("cluster/", include("aisc.web.cluster.urls")),
    path("outbox/", include("aisc.web.backoffice.outbox_urls")),
    path("", include("aisc.web.grants.urls")),
    # Before Django's own i18n/setlang/, which it answers in place of (see portal.language).
    path("i18n/setlang/", choose_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
