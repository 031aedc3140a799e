"""Stored counts the issuer dashboard reads instead of counting rows (ReviewTally: reviews per MC).

Every review created or deleted through the ORM moves its MC's tally in the same transaction (so a rollback undoes
both); fixtures loaded raw carry their tallies with them. Writes that bypass Django's signals (``bulk_create``,
``QuerySet.update`` of ``micro_credential``, raw SQL) call ``recount()`` afterwards."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Review, ReviewTally


def _move(micro_credential_id: int, by: int, *, create: bool) -> None:
    if ReviewTally.objects.filter(pk=micro_credential_id).update(reviews=F("reviews") + by) or not create:
        return
    # The MC's first review (or a tally never built): get_or_create is safe when two first reviews race.
    ReviewTally.objects.get_or_create(micro_credential_id=micro_credential_id)
    ReviewTally.objects.filter(pk=micro_credential_id).update(reviews=F("reviews") + by)


@receiver(post_save, sender=Review, dispatch_uid="assessment.tallies.review_saved")
def _review_saved(sender, instance: Review, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        _move(instance.micro_credential_id, 1, create=True)


@receiver(post_delete, sender=Review, dispatch_uid="assessment.tallies.review_deleted")
def _review_deleted(sender, instance: Review, **kwargs) -> None:
    _move(instance.micro_credential_id, -1, create=False)


def recount(micro_credential_ids=None) -> int:
    """Rebuild the tallies of these MCs (all MCs: None) from their reviews; returns how many tallies were written."""
    reviews = Review.objects.order_by()
    tallies = ReviewTally.objects.all()
    if micro_credential_ids is not None:
        ids = sorted({int(i) for i in micro_credential_ids})
        reviews, tallies = reviews.filter(micro_credential_id__in=ids), tallies.filter(micro_credential_id__in=ids)
    counts = reviews.values("micro_credential_id").annotate(n=Count("pk")).values_list("micro_credential_id", "n")
    with transaction.atomic():
        tallies.delete()
        made = ReviewTally.objects.bulk_create([ReviewTally(micro_credential_id=mc_id, reviews=n) for mc_id, n in counts],
                                               batch_size=1000)
    return len(made)
