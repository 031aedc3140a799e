from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import selectors, services
from .forms import EducatorProfileForm
from .models import EducatorProfile


@login_required
def profile(request):
    instance = EducatorProfile.objects.filter(user=request.user).first() or EducatorProfile(user=request.user)
    form = EducatorProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.update_educator_profile(user=request.user, by=request.user, **{k: form.cleaned_data[k] for k in form.Meta.fields})
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "memberships": selectors.memberships_for(request.user)})
