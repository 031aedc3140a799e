"""Events of lower apps the quality app reacts to: a decided attempt gets an earner experience survey."""
from django.dispatch import receiver

from microcred.earning.signals import attempt_decided

from . import services


@receiver(attempt_decided, dispatch_uid="quality.survey_on_decision")
def survey_on_decision(sender, attempt_id, result="", **kwargs):
    services.send_survey(attempt_id=attempt_id, kind="decision", result=result)
