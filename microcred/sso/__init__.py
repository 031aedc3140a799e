"""Single sign-on: each organization signs its people in with the accounts they already have (OpenID Connect, SAML 2.0)."""
