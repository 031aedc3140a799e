from django.db import migrations


class Migration(migrations.Migration):
    """No change to the database: this only orders a fresh install's migrations.

    The third-party tables tied to the user (OAuth applications and tokens, one-time-password devices, API tokens)
    are made right after the accounts app, while the user has few relations yet. Made after every other app (their
    default, alphabetical place), each of their 40-odd operations re-rendered the hundred-odd models related to the
    user: about 7 of the 20 seconds a fresh `migrate` took, on every new install, test database and restore.
    Depending on them from a new migration (not an applied one) keeps databases made before them consistent."""

    dependencies = [
        ("accounts", "0006_user_language"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
        ("otp_static", "0003_add_timestamps"),
        ("otp_totp", "0003_add_timestamps"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = []
