"""interop's part of the navigation: webhook subscriptions, for the organization admins who manage them, and the
LMS platforms page, for platform admins."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(Entry("webhooks", _("Webhooks"), "interop:webhooks", order=117, group="manage", allowed=policy.can_open_webhook_pages))
register(Entry("lti", _("LMS (LTI)"), "interop:lti_platforms", order=118, group="manage", allowed=policy.can_manage_lti_platforms))
register(Entry("licensure_feeds", _("Licensure feeds"), "interop:feeds", order=119, group="manage", allowed=policy.can_open_licensure_feeds))
register(Entry("lti_courses", _("LMS courses"), "interop:lti_courses", order=120, group="manage", allowed=policy.can_open_lti_courses))
register(Entry("case_import", _("Import a framework (CASE)"), "interop:case_import", order=121, group="manage", allowed=policy.can_use_case_import_page))
