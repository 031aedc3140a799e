import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.catalog import services
from microcred.catalog.rubrics import rubric_passes
from microcred.catalog.selectors import stack_progress


@pytest.fixture
def mcs(world, publish_mc):
    return [publish_mc(title=f"Practice {i}").micro_credential for i in range(4)]


def stack(world, mcs, rule, indexes, **kw):
    items = [{"micro_credential": mcs[i], "slot": kw.pop(f"slot{i}", None)} for i in indexes]
    return services.save_stack(owner=world["orgs"]["issuer"], by=world["people"]["author"], title=f"{rule} stack", rule=rule, items=items, **kw)


def test_all_of(world, mcs):
    s = stack(world, mcs, "all_of", [0, 1, 2])
    assert stack_progress(s, {mcs[0].pk})["done"] == 1
    assert not stack_progress(s, {mcs[0].pk, mcs[1].pk})["complete"]
    assert stack_progress(s, {m.pk for m in mcs})["complete"]


def test_n_of_m(world, mcs):
    s = stack(world, mcs, "n_of_m", [0, 1, 2, 3], required_count=2)
    p = stack_progress(s, {mcs[3].pk})
    assert (p["done"], p["needed"], p["complete"]) == (1, 2, False)
    assert stack_progress(s, {mcs[3].pk, mcs[0].pk})["complete"]


def test_sequence_counts_only_in_order(world, mcs):
    s = stack(world, mcs, "sequence", [0, 1, 2])
    assert stack_progress(s, {mcs[1].pk, mcs[2].pk})["done"] == 0
    assert stack_progress(s, {mcs[0].pk, mcs[2].pk})["done"] == 1
    assert stack_progress(s, {mcs[0].pk, mcs[1].pk, mcs[2].pk})["complete"]


def test_choice_slots(world, mcs):
    s = stack(world, mcs, "choice_slots", [0, 1, 2, 3], slot0=1, slot1=1, slot2=2, slot3=2)
    assert stack_progress(s, {mcs[0].pk, mcs[1].pk})["done"] == 1
    assert stack_progress(s, {mcs[1].pk, mcs[2].pk})["complete"]


def test_nested_pathway_and_loops(world, mcs):
    inner = stack(world, mcs, "all_of", [0, 1])
    pathway = services.save_stack(owner=world["orgs"]["issuer"], by=world["people"]["author"], title="Pathway", kind="pathway",
                                  items=[{"child_stack": inner}, {"micro_credential": mcs[2]}])
    assert stack_progress(pathway, {mcs[0].pk, mcs[2].pk})["done"] == 1
    assert stack_progress(pathway, {mcs[0].pk, mcs[1].pk, mcs[2].pk})["complete"]
    with pytest.raises(ValidationError, match="loop"):
        services.save_stack(owner=world["orgs"]["issuer"], by=world["people"]["author"], title=inner.title, stack=inner,
                            items=[{"micro_credential": mcs[0]}, {"child_stack": pathway}])


def test_stack_input_errors(world, mcs):
    with pytest.raises(ValidationError) as exc:
        services.save_stack(owner=world["orgs"]["issuer"], by=world["people"]["author"], title="", rule="n_of_m", required_count=9, items=[{"micro_credential": mcs[0]}])
    assert {"title", "required_count"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError, match="slot"):
        stack(world, mcs, "choice_slots", [0, 1])
    with pytest.raises(ValidationError, match="twice"):
        services.save_stack(owner=world["orgs"]["issuer"], by=world["people"]["author"], title="Dup", items=[{"micro_credential": mcs[0]}] * 2)


def test_stack_permissions(world, mcs):
    with pytest.raises(PermissionDenied):
        services.save_stack(owner=world["orgs"]["issuer"], by=world["people"]["other_author"], title="X", items=[{"micro_credential": mcs[0]}])
    s = stack(world, mcs, "all_of", [0])
    with pytest.raises(PermissionDenied):
        services.set_stack_state(stack=s, state="published", by=world["people"]["author"])


@pytest.mark.parametrize("rule, passing, n, levels, expected", [
    ("all_at_least", 2, None, {"a": 2, "b": 2}, True),
    ("all_at_least", 2, None, {"a": 2, "b": 1}, False),
    ("all_at_least", 2, None, {"a": 2}, False),  # unscored criterion never passes
    ("n_at_least", 2, 1, {"a": 2, "b": 1}, True),
    ("n_at_least", 2, 1, {"a": 2, "b": 0}, False),  # nothing at the lowest level
])
def test_passing_rules(rule, passing, n, levels, expected):
    assert rubric_passes(rule=rule, passing_level=passing, min_criteria=n, levels=levels, criteria=["a", "b"]) is expected
