"""Policy documents and engine inputs for tests."""
import copy
import datetime as dt

from microcred.recognition.engine import CredentialFact
from microcred.recognition.policy import References

REFS = References(micro_credentials={f"mc-{i}" for i in range(1, 21)}, stack_sizes={"cs-stack": 3},
                  organizations={"state-agency", "rural-district", "issuer-one", "issuer-two"}, policies={"state-list"})

TENNESSEE = {
    "format": "microcred.policy/1", "slug": "tn-renewal", "title": "Tennessee-style renewal (illustrative)",
    "recognizer": "state-agency", "effective_from": "2020-01-01",
    "approved": {"issuers": ["issuer-one"]},
    "rules": [{"kind": "convert", "per_mc": 6, "unit": "PDP"}, {"kind": "cycle_window", "years": 5},
              {"kind": "threshold", "unit": "PDP", "min": 60}],
    "outcomes": [{"key": "renewal", "kind": "credits", "name": "License renewal PDPs", "unit": "PDP"}],
}

JUAB = {
    "format": "microcred.policy/1", "slug": "juab-leader", "title": "Juab-style teacher leader (illustrative)",
    "recognizer": "rural-district", "effective_from": "2020-01-01",
    "approved": {"issuers": ["issuer-one", "issuer-two"]},
    "rules": [{"kind": "count_in_topic", "tag": "literacy", "min": 12}],
    "outcomes": [{"key": "teacher-leader", "kind": "role", "name": "Teacher leader"}],
}

AS_OF = dt.datetime(2025, 6, 30, 12, tzinfo=dt.timezone.utc)


def doc(base, **changes):
    d = copy.deepcopy(base)
    d.update(copy.deepcopy(changes))
    return d


def cred(n, *, days_ago=30, issuer="issuer-one", tags=(), **kw):
    return CredentialFact(id=f"c{n}", mc_slug=kw.pop("mc", f"mc-{n}"), issuer=issuer,
                          issued_at=kw.pop("issued_at", AS_OF - dt.timedelta(days=days_ago)), tags=frozenset(tags), **kw)
