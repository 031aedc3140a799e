"""Password hashing at OWASP's argon2id cost (decision 0052): strong enough, cheap enough for a burst of logins."""
import importlib

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, get_hasher, make_password
from django.test import Client

from microcred.accounts import hashers


@pytest.fixture
def production_hashers(settings):
    from microcred.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def test_new_passwords_are_argon2id_at_owasps_recommended_cost(production_hashers):
    encoded = make_password("correct horse battery")
    assert encoded.startswith("argon2$argon2id$")
    # The parameters travel inside the hash: m=19456 KiB, t=2 passes, p=1 lane (OWASP Password Storage Cheat Sheet).
    assert "$m=19456,t=2,p=1$" in encoded
    assert check_password("correct horse battery", encoded)
    assert not check_password("correct horse batterY", encoded)


def test_a_hash_made_with_djangos_heavier_default_still_logs_in_and_is_rehashed(production_hashers, world):
    from microcred.accounts.models import User

    heavy = Argon2PasswordHasher().encode("an-older-password-5", Argon2PasswordHasher().salt())
    assert "$m=102400,t=2,p=8$" in heavy
    user = User.objects.get(username="earner")
    User.objects.filter(pk=user.pk).update(password=heavy)
    assert Client().post("/accounts/login/", {"username": "earner", "password": "an-older-password-5"}).status_code == 302
    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password and user.password != heavy
    assert check_password("an-older-password-5", user.password)


def test_a_wrong_password_against_an_old_hash_changes_nothing(production_hashers, world):
    from microcred.accounts.models import User

    heavy = Argon2PasswordHasher().encode("an-older-password-5", Argon2PasswordHasher().salt())
    User.objects.filter(username="earner").update(password=heavy)
    response = Client().post("/accounts/login/", {"username": "earner", "password": "not-the-password"})
    assert response.status_code == 200  # the form again, with its message; not signed in
    assert User.objects.get(username="earner").password == heavy


@pytest.mark.parametrize("name,value,message", [
    ("MICROCRED_ARGON2_MEMORY_KIB", "1024", "at least 19456"),
    ("MICROCRED_ARGON2_TIME_COST", "1", "at least 2"),
    ("MICROCRED_ARGON2_PARALLELISM", "0", "at least 1"),
    ("MICROCRED_ARGON2_MEMORY_KIB", "lots", "whole number"),
])
def test_an_operator_cannot_set_the_cost_below_owasps_floor(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    try:
        with pytest.raises(ValueError, match=message):
            importlib.reload(hashers)
    finally:
        monkeypatch.delenv(name)
        importlib.reload(hashers)


def test_an_operator_may_ask_for_more(monkeypatch):
    monkeypatch.setenv("MICROCRED_ARGON2_MEMORY_KIB", "65536")
    monkeypatch.setenv("MICROCRED_ARGON2_TIME_COST", "3")
    try:
        module = importlib.reload(hashers)
        assert (module.OwaspArgon2PasswordHasher.memory_cost, module.OwaspArgon2PasswordHasher.time_cost) == (65536, 3)
    finally:
        monkeypatch.delenv("MICROCRED_ARGON2_MEMORY_KIB")
        monkeypatch.delenv("MICROCRED_ARGON2_TIME_COST")
        importlib.reload(hashers)
    assert hashers.OwaspArgon2PasswordHasher.memory_cost == hashers.OWASP_MEMORY_KIB


def test_the_default_hasher_is_this_one(production_hashers):
    assert get_hasher("default").__class__.__name__ == "OwaspArgon2PasswordHasher"
