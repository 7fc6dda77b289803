"""URL map of the portal, admin and API."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from aisc.web.api_v1 import api

urlpatterns = [
    path("", include("aisc.web.ops.urls")),
    path("", include("aisc.web.queues.urls")),
    path("accounts/", include("aisc.web.accounts.urls")),
    path("audit/", include("aisc.web.backoffice.audit_urls")),
    path("allocations/", include("aisc.web.allocations.urls")),
    path("billing/", include("aisc.web.billing.urls")),
    path("catalogue/", include("aisc.web.catalogue.urls")),
    path("cluster/", include("aisc.web.cluster.urls")),
    path("outbox/", include("aisc.web.backoffice.outbox_urls")),
    path("", include("aisc.web.grants.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
