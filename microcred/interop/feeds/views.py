"""Pages for recognizer admins: their licensure feeds, a feed's runs and "send now". Thin: the rules are in
services and selectors, who may is asked of policy."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred.accounts import policy

from .. import tasks
from . import selectors, services
from .forms import FeedForm


def _allowed(request) -> None:
    if not policy.can_open_licensure_feeds(request.user):
        raise PermissionDenied(_("Only recognizer admins manage licensure feeds."))


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            field = "mapping" if field == "columns" else field
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _fields(data) -> dict:
    return {"name": data["name"], "columns": data["mapping"], "format": data["format"], "schedule": data["schedule"],
            "destination": data["destination"], "folder": data["folder"], "url": data["url"]}


@login_required
@require_GET
def index(request):
    _allowed(request)
    return render(request, "interop/feeds/index.html", {"feeds": selectors.feeds_for(request.user)})


@login_required
def create(request):
    _allowed(request)
    form = FeedForm(request.POST or None, recognizers=selectors.recognizers_for(request.user),
                    initial={"format": "csv", "schedule": "daily", "destination": "folder",
                             "mapping": "LicenseNumber = license_number\nEducator = educator\nCredit = outcome\n"
                                        "Amount = amount\nUnit = unit\nAwarded = awarded_at\nStatus = state"})
    if request.method == "POST" and form.is_valid():
        try:
            feed, secret = services.create_feed(recognizer=form.cleaned_data["recognizer"], sign=form.cleaned_data["sign"],
                                                by=request.user, **_fields(form.cleaned_data))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The feed is saved; it is sent at the next scheduled run."))
            if secret:
                # Shown on this answer only; only its encryption is stored.
                return render(request, "interop/feeds/secret.html", {"feed": feed, "secret": secret})
            return redirect("interop:feed", pk=feed.pk)
    return render(request, "interop/feeds/edit.html", {"form": form, "fields": services.FIELDS},
                  status=400 if form.errors else 200)


@login_required
def edit(request, pk):
    _allowed(request)
    feed = selectors.feed_for(request.user, pk)
    initial = {"recognizer": feed.recognizer_id, "name": feed.name, "mapping": services.mapping_text(feed.columns),
               "format": feed.format, "schedule": feed.schedule, "destination": feed.destination, "folder": feed.folder,
               "url": feed.url}
    form = FeedForm(request.POST or None, initial=initial, recognizers=selectors.recognizers_for(request.user), feed=feed)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_feed(feed=feed, by=request.user, **_fields(form.cleaned_data))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The feed is saved."))
            return redirect("interop:feed", pk=feed.pk)
    return render(request, "interop/feeds/edit.html", {"form": form, "feed": feed, "fields": services.FIELDS},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def detail(request, pk):
    _allowed(request)
    feed = selectors.feed_for(request.user, pk)
    return render(request, "interop/feeds/detail.html", {"feed": feed, "runs": selectors.runs_of(feed)})


@login_required
@require_POST
def send_now(request, pk):
    _allowed(request)
    feed = selectors.feed_for(request.user, pk)
    try:
        run = services.request_run(feed=feed, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        tasks.send_feed_run_soon(run.pk)
        messages.success(request, _("The feed is being sent; reload to see the run."))
    return redirect("interop:feed", pk=feed.pk)


@login_required
@require_POST
def change_state(request, pk):
    _allowed(request)
    feed = selectors.feed_for(request.user, pk)
    action = request.POST.get("action")
    try:
        if action in ("pause", "resume"):
            services.set_paused(feed=feed, paused=action == "pause", by=request.user)
            messages.success(request, _("The feed is paused.") if action == "pause" else _("The feed is active again."))
        else:
            messages.error(request, _("Choose to pause or resume the feed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("interop:feed", pk=feed.pk)
