"""Pages for organization admins: their webhook subscriptions, the delivery log, replay. Thin: the rules are in
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
from . import events, selectors, services
from .forms import SubscriptionForm


def _allowed(request) -> None:
    if not policy.can_open_webhook_pages(request.user):
        raise PermissionDenied(_("Only issuer and recognizer admins manage their organization's webhooks."))


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def index(request):
    _allowed(request)
    return render(request, "interop/webhooks/index.html", {"subscriptions": selectors.subscriptions_for(request.user)})


@login_required
def create(request):
    _allowed(request)
    organizations = selectors.manageable_organizations(request.user)
    form = SubscriptionForm(request.POST or None, user=request.user, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription, secret = services.create_subscription(
                organization=data["organization"], url=data["url"], events=data["events"],
                description=data["description"], by=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            # The secret is shown on this answer only; it is never shown again.
            return render(request, "interop/webhooks/secret.html", {"subscription": subscription, "secret": secret})
    return render(request, "interop/webhooks/edit.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def edit(request, pk):
    _allowed(request)
    subscription = selectors.subscription_for(request.user, pk)
    initial = {"organization": subscription.organization_id, "url": subscription.url,
               "description": subscription.description, "events": subscription.events}
    form = SubscriptionForm(request.POST or None, initial=initial, user=request.user, subscription=subscription,
                            organizations=selectors.manageable_organizations(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_subscription(subscription=subscription, url=data["url"], events=data["events"],
                                         description=data["description"], by=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The subscription is saved."))
            return redirect("interop:webhook", pk=subscription.pk)
    return render(request, "interop/webhooks/edit.html", {"form": form, "subscription": subscription},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def detail(request, pk):
    _allowed(request)
    subscription = selectors.subscription_for(request.user, pk)
    return render(request, "interop/webhooks/detail.html", {
        "subscription": subscription, "deliveries": selectors.deliveries_of(subscription),
        "event_labels": [events.label(e) for e in subscription.events]})


@login_required
@require_POST
def change_state(request, pk):
    _allowed(request)
    subscription = selectors.subscription_for(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "disable":
            services.disable_subscription(subscription=subscription, by=request.user)
            messages.success(request, _("The subscription is off: nothing more is sent to it."))
        elif action == "enable":
            services.enable_subscription(subscription=subscription, by=request.user)
            messages.success(request, _("The subscription is on again."))
        else:
            messages.error(request, _("Choose to turn the subscription on or off."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("interop:webhook", pk=subscription.pk)


@login_required
@require_POST
def rotate_secret(request, pk):
    _allowed(request)
    subscription = selectors.subscription_for(request.user, pk)
    secret = services.rotate_secret(subscription=subscription, by=request.user)
    return render(request, "interop/webhooks/secret.html", {"subscription": subscription, "secret": secret, "rotated": True})


@login_required
@require_POST
def send_test(request, pk):
    _allowed(request)
    subscription = selectors.subscription_for(request.user, pk)
    try:
        delivery = services.send_test_event(subscription=subscription, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        tasks.send_soon(delivery.pk)
        messages.success(request, _("A test event is on its way; reload to see the delivery."))
    return redirect("interop:webhook", pk=subscription.pk)


@login_required
@require_POST
def replay(request, pk):
    _allowed(request)
    delivery = selectors.delivery_for(request.user, pk)
    try:
        replayed = services.replay_delivery(delivery=delivery, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        tasks.send_soon(replayed.pk)
        messages.success(request, _("The event is being sent again with the same webhook-id."))
    return redirect("interop:webhook", pk=delivery.subscription_id)
