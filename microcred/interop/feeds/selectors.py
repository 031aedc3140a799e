"""Reads of licensure feeds: the feeds a person manages (through ``policy``), one feed, its runs."""
from __future__ import annotations

from django.http import Http404

from microcred.recognition.selectors import managed_recognizers

from ..models import LicensureFeed, LicensureFeedRun

RUNS_SHOWN = 50


def recognizers_for(user):
    return managed_recognizers(user).order_by("name")


def feeds_for(user):
    return LicensureFeed.objects.filter(recognizer__in=managed_recognizers(user)).select_related("recognizer")


def feed_for(user, pk) -> LicensureFeed:
    """One feed the person manages, or 404 (another recognizer's feed is not shown to exist)."""
    feed = feeds_for(user).filter(pk=pk).first()
    if feed is None:
        raise Http404
    return feed


def runs_of(feed: LicensureFeed):
    return LicensureFeedRun.objects.filter(feed=feed).select_related("requested_by")[:RUNS_SHOWN]
