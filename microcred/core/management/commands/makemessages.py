"""Django's makemessages, without fuzzy matching: a guessed translation ("Translations" → "Organización") is worse
than none, because the page then shows a wrong text instead of the English. New messages stay untranslated until a
translator fills them in (tests/test_translations.py counts them)."""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
