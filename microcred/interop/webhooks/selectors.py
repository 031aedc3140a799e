"""Reads of outbound webhooks: the subscriptions a person manages, one subscription, its delivery log."""
from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from microcred.accounts import policy
from microcred.accounts.models import Organization

from ..models import WebhookAttempt, WebhookDelivery, WebhookSubscription

LOG_LIMIT = 50


def subscriptions_for(user):
    """The subscriptions of every organization ``user`` manages webhooks for, with their failure counts."""
    return (WebhookSubscription.objects.filter(organization_id__in=policy.webhook_organization_ids(user))
            .select_related("organization")
            .annotate(failed=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.FAILED)),
                      delivered=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.DELIVERED)))
            .order_by("organization__name", "-created_at"))


def manageable_organizations(user):
    return Organization.objects.filter(pk__in=policy.webhook_organization_ids(user)).order_by("name")


def subscription_for(user, pk) -> WebhookSubscription:
    """One subscription ``user`` manages; 404 otherwise (another organization's is not revealed)."""
    subscription = WebhookSubscription.objects.select_related("organization", "created_by").filter(pk=pk).first()
    if subscription is None or not policy.can_manage_webhooks(user, subscription.organization_id):
        raise Http404
    return subscription


def delivery_for(user, pk) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_related("subscription__organization").filter(pk=pk).first()
    if delivery is None or not policy.can_manage_webhooks(user, delivery.subscription.organization_id):
        raise Http404
    return delivery


def deliveries_of(subscription: WebhookSubscription, *, limit: int = LOG_LIMIT):
    """The newest deliveries with their attempts (two queries, whatever the number of rows)."""
    return list(WebhookDelivery.objects.filter(subscription=subscription).select_related("replay_of")
                .prefetch_related(Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("number")))
                .order_by("-created_at", "-pk")[:limit])
