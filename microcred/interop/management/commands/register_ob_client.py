"""microcred register_ob_client NAME REDIRECT_URI: register an Open Badges 3.0 API client by hand (operators)."""
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from microcred.interop import ob3, services
from microcred.interop.registration import LOOPBACK_HOSTS, RegistrationError


class Command(BaseCommand):
    help = ("Register an Open Badges 3.0 API client (a wallet or host) and print its client_id and client_secret. "
            "The secret is shown once; only its hash is kept. Clients may also register themselves at /oauth/register.")

    def add_arguments(self, parser):
        parser.add_argument("name", help="The name earners see on the consent page")
        parser.add_argument("redirect_uri", help="https URL (or http on a loopback address for a native client)")
        parser.add_argument("--client-uri", help="The client's home page (default: the redirect URI's origin)")
        parser.add_argument("--scope", default=" ".join(ob3.OB_SCOPES),
                            help="Space-separated scopes it may ask for (default: the four OB 3.0 scopes)")
        parser.add_argument("--software-id", default="", help="Defaults to the name")
        parser.add_argument("--software-version", default="1.0")

    def handle(self, *args, name, redirect_uri, client_uri, scope, software_id, software_version, **options):
        parts = urlsplit(redirect_uri)
        home = client_uri or (f"https://{parts.hostname}/" if parts.scheme in ("http", "https") and parts.hostname
                                                               and parts.hostname not in LOOPBACK_HOSTS else "")
        if not home:
            raise CommandError("Give --client-uri (an https URL) for a client with a loopback redirect URI.")
        metadata = {"client_name": name, "client_uri": home, "logo_uri": home, "tos_uri": home, "policy_uri": home,
                    "software_id": software_id or name, "software_version": software_version,
                    "redirect_uris": [redirect_uri], "scope": scope,
                    "grant_types": ["authorization_code", "refresh_token"]}
        try:
            registration, secret = services.register_client(metadata=metadata)
        except RegistrationError as error:
            raise CommandError(f"Not registered: {error.description}") from None
        self.stdout.write(f"Registered {registration.application.name}\n"
                          f"client_id:     {registration.application.client_id}\n"
                          f"client_secret: {secret}\n"
                          f"scopes:        {registration.scope}\n"
                          "Keep the secret now: it cannot be shown again.")
