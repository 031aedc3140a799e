"""The Django admin behind the site's own login: lockout, and a two-factor code for staff who have it on."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class MicrocredAdminSite(admin.AdminSite):
    site_header = "microcred administration"
    site_title = "microcred admin"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        from . import two_factor

        user = request.user
        if two_factor.is_enabled(user) or two_factor.requires_two_factor(user):
            return bool(getattr(user, "is_verified", lambda: False)())
        return True

    def login(self, request, extra_context=None):
        """One door in: the site's login page (throttled, asks for the code), never the admin's own form."""
        from . import policy, two_factor

        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if self.has_permission(request):
            return redirect(next_url if next_url.startswith("/") and not next_url.startswith("//") else reverse("admin:index"))
        if not user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
        if policy.can_open_admin_site(user):
            if two_factor.is_enabled(user):
                return redirect(f"{reverse('accounts:login_code')}?{urlencode({'next': next_url})}")
            if two_factor.requires_two_factor(user):
                return redirect("accounts:two_factor")
        raise PermissionDenied(_("Your account does not have access to the administration site."))


class MicrocredAdminConfig(AdminConfig):
    default_site = "microcred.accounts.admin_site.MicrocredAdminSite"
