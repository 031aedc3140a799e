"""JSON API of outbound webhooks: the subscriptions of the organizations you manage, their delivery log, replay.
The same services and selectors as the pages."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy
from microcred.core.api import ERROR_RESPONSES as ERRORS

from .... import tasks
from ... import selectors, services
from .serializers import (DeliverySerializer, SubscriptionChangeSerializer, SubscriptionCreatedSerializer,
                          SubscriptionInSerializer, SubscriptionSerializer)


def _allowed(request) -> None:
    if not policy.can_open_webhook_pages(request.user):
        raise PermissionDenied(_("Only issuer and recognizer admins manage their organization's webhooks."))


@extend_schema(methods=["GET"], responses={200: SubscriptionSerializer(many=True), **ERRORS}, operation_id="interop_webhooks")
@extend_schema(methods=["POST"], request=SubscriptionInSerializer, responses={201: SubscriptionCreatedSerializer, **ERRORS},
               operation_id="interop_webhook_create")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def subscriptions(request):
    """GET: the subscriptions of the organizations you manage. POST: subscribe an https:// endpoint to events; the
    answer carries the signing secret, this once."""
    _allowed(request)
    if request.method == "GET":
        return Response(SubscriptionSerializer(selectors.subscriptions_for(request.user), many=True).data)
    body = SubscriptionInSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    organization = selectors.manageable_organizations(request.user).filter(slug=body.validated_data["organization"]).first()
    if organization is None:
        raise ValidationError({"organization": [_("Not an organization whose webhooks you manage.")]})
    subscription, secret = services.create_subscription(
        organization=organization, url=body.validated_data["url"], events=body.validated_data["events"],
        description=body.validated_data["description"], by=request.user)
    subscription.secret = secret
    return Response(SubscriptionCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], responses={200: SubscriptionSerializer, **ERRORS}, operation_id="interop_webhook")
@extend_schema(methods=["PATCH"], request=SubscriptionChangeSerializer, responses={200: SubscriptionSerializer, **ERRORS},
               operation_id="interop_webhook_change")
@api_view(["GET", "PATCH"])
@permission_classes([IsAuthenticated])
def subscription(request, pk: int):
    """GET: one subscription. PATCH: change its url, description or events."""
    _allowed(request)
    found = selectors.subscription_for(request.user, pk)
    if request.method == "PATCH":
        body = SubscriptionChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        found = services.change_subscription(subscription=found, url=data.get("url", found.url),
                                             events=data.get("events", found.events),
                                             description=data.get("description", found.description), by=request.user)
    return Response(SubscriptionSerializer(found).data)


@extend_schema(request=None, responses={200: SubscriptionSerializer, **ERRORS}, operation_id="interop_webhook_disable")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def disable(request, pk: int):
    """Turn the subscription off (nothing more is sent to it)."""
    _allowed(request)
    found = services.disable_subscription(subscription=selectors.subscription_for(request.user, pk), by=request.user)
    return Response(SubscriptionSerializer(found).data)


@extend_schema(request=None, responses={200: SubscriptionSerializer, **ERRORS}, operation_id="interop_webhook_enable")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def enable(request, pk: int):
    """Turn the subscription on again (its failure count starts afresh)."""
    _allowed(request)
    found = services.enable_subscription(subscription=selectors.subscription_for(request.user, pk), by=request.user)
    return Response(SubscriptionSerializer(found).data)


@extend_schema(responses={200: DeliverySerializer(many=True), **ERRORS}, operation_id="interop_webhook_deliveries")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def deliveries(request, pk: int):
    """The newest 50 deliveries of a subscription, each with its attempts (status code, error, timing, the start
    of the answer)."""
    _allowed(request)
    found = selectors.subscription_for(request.user, pk)
    return Response(DeliverySerializer(selectors.deliveries_of(found), many=True).data)


@extend_schema(request=None, responses={202: DeliverySerializer, **ERRORS}, operation_id="interop_webhook_replay")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def replay(request, pk: int):
    """Send a delivery's event again (same webhook-id, fresh signature), in the background: 202 with the new delivery."""
    _allowed(request)
    replayed = services.replay_delivery(delivery=selectors.delivery_for(request.user, pk), by=request.user)
    tasks.send_soon(replayed.pk)
    return Response(DeliverySerializer(replayed).data, status=status.HTTP_202_ACCEPTED)
