"""Admin pages that grant and withdraw staff roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from aisc.core.errors import AiscError
from aisc.web.accounts import actions, authz
from aisc.web.accounts.forms import StaffRolesForm, StaffSearchForm, add_domain_error
from aisc.web.accounts.models import User

ACTION = "accounts.staff.manage"


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, ACTION)
    search = StaffSearchForm(request.GET or None)
    users = User.objects.prefetch_related("roles").order_by("email")
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    # Without a search, the people who hold a staff role; with one, anybody who matches.
    if query:
        users = users.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
    else:
        users = users.filter(roles__isnull=False).distinct()
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {"search": search, "page": page})


@login_required
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    acting = request.user
    assert isinstance(acting, User)
    authz.require(acting, ACTION)
    person = get_object_or_404(User, pk=user_id)
    initial = {"roles": sorted(person.role_codes())}
    form = StaffRolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_staff_roles(
                acting_user=acting, user=person, roles=tuple(form.cleaned_data["roles"])
            )
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The roles were saved."))
            return redirect("accounts:staff")
    context = {"person": person, "form": form}
    return render(request, "accounts/staff_edit.html", context, status=422 if form.errors else 200)
