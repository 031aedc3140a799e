"""Each demo policy (microcred/demo/recognition_world.py) against hand-worked educator cases, on the real demo
catalog's MCs and stacks; then the seeded demo world, and evaluate_all against evaluate_educator at scale."""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from microcred.demo import content, recognition_world
from microcred.recognition.engine import CredentialFact, StackDef, evaluate, years_before
from microcred.recognition.policy import References, resolve_approved, validate_policy

AS_OF = dt.datetime(2026, 6, 30, 12, tzinfo=dt.timezone.utc)
SPECS = {m["slug"]: m for m in content.MICRO_CREDENTIALS}
STACKS = {s["slug"]: StackDef(s["slug"], s["rule"], tuple((i.get("mc"), i.get("stack"), i.get("slot")) for i in s["items"]),
                              s.get("required_count")) for s in content.STACKS}
REFS = References(micro_credentials=set(SPECS), stack_sizes={s["slug"]: len(s["items"]) for s in content.STACKS},
                  organizations={o["slug"] for o in content.ORGANIZATIONS + recognition_world.ORGANIZATIONS},
                  policies={recognition_world.SC_RENEWAL})
DOCS = {d["slug"]: d for d in recognition_world._policies()}


def stacks_of(mc: str) -> frozenset:
    direct = {slug for slug, s in STACKS.items() if any(item[0] == mc for item in s.items)}
    out, todo = set(), list(direct)
    while todo:
        slug = todo.pop()
        if slug not in out:
            out.add(slug)
            todo += [p for p, s in STACKS.items() if any(item[1] == slug for item in s.items)]
    return frozenset(out)


def issuer_of(mc: str) -> str:
    spec = SPECS[mc]
    return next((r["organization"] for r in spec.get("organizations", []) if r["role"] == "issuer"), spec["owner"])


def mc(slug: str, *, days_ago: float = 30, impact: bool = True, **kw) -> CredentialFact:
    """A credential for a demo MC as the engine sees it: its issuer, tags and stacks from the demo catalog."""
    return CredentialFact(id=f"cred-{slug}-{days_ago}", mc_slug=slug, issuer=issuer_of(slug),
                          issued_at=kw.pop("issued_at", AS_OF - dt.timedelta(days=days_ago)), tags=frozenset(SPECS[slug]["tags"]),
                          stacks=stacks_of(slug), has_student_impact_evidence=impact, **kw)


def tagged(tag: str) -> list[str]:
    return [s for s, spec in SPECS.items() if tag in spec["tags"] and spec.get("demo_state", "published") == "published"]


def run(slug: str, creds, facts=None, *, as_of=AS_OF):
    document = validate_policy(DOCS[slug], references=REFS)
    lookup = {recognition_world.SC_RENEWAL: validate_policy(DOCS[recognition_world.SC_RENEWAL], references=REFS)}.get
    return evaluate(document, creds, facts or {}, as_of=as_of, approved=resolve_approved(document, lookup), stacks=STACKS)


def outcome(result):
    return result.outcomes[0]


def test_every_demo_policy_is_valid_and_labelled_illustrative():
    assert len(DOCS) == 11
    for slug, document in DOCS.items():
        validate_policy(document, references=REFS)
        assert "illustrative" in document["title"].lower() and document["description"].startswith("Illustrative"), slug
    for org in recognition_world.ORGANIZATIONS:
        assert org["name"].endswith("(illustrative)")


def test_tennessee_style_60_pdps_at_6_per_mc_for_professional_licenses():
    ten = [mc(s) for s in tagged("coaching")]  # 10 MCs × 6 = 60 PDPs
    done = run("tn-renewal-pdps", ten, {"license_type": "professional"})
    assert outcome(done).achieved and outcome(done).amount == 60 and outcome(done).unit == "PDP"
    nine = run("tn-renewal-pdps", ten[:9], {"license_type": "professional"})
    assert not outcome(nine).achieved and outcome(nine).missing == ["6 more PDP"]
    practitioner = run("tn-renewal-pdps", ten, {"license_type": "practitioner"})
    assert not outcome(practitioner).achieved and "practitioner" in outcome(practitioner).missing[0]
    unknown = run("tn-renewal-pdps", ten)
    assert outcome(unknown).missing == ["the recognizer has no “license_type” on record"]


def test_south_carolina_style_120_credits_within_the_5_year_cycle_edges():
    approved = tagged("teacher leadership")[:6]  # 6 × 20 = 120, all collective leadership
    start = years_before(AS_OF, 5)
    on_edge = [mc(s) for s in approved[:5]] + [mc(approved[5], issued_at=start)]
    assert outcome(run("sc-renewal-credits", on_edge)).achieved
    too_early = [mc(s) for s in approved[:5]] + [mc(approved[5], issued_at=start - dt.timedelta(microseconds=1))]
    result = run("sc-renewal-credits", too_early)
    assert not outcome(result).achieved and result.totals == {"renewal credit": 100}
    assert result.excluded[too_early[-1].id] == "earned before the cycle window"
    # Early literacy is not on South Carolina's list (collective leadership and student assessment).
    literacy = run("sc-renewal-credits", [mc(s) for s in approved[:5]] + [mc("teaching-phonics")])
    assert literacy.excluded["cred-teaching-phonics-30"] == "not in the policy's approved set"
    assert outcome(run("sc-renewal-credits", on_edge)).expires_after_years == 5


def test_utah_style_half_a_state_credit_per_mc():
    one = run("ut-state-credit", [mc("teaching-phonics")])
    assert outcome(one).achieved and outcome(one).amount == 0.5 and outcome(one).kind == "graduate_credit"
    three = run("ut-state-credit", [mc("teaching-phonics"), mc("interactive-read-aloud"), mc("building-your-team")])
    assert outcome(three).amount == 1.5
    revoked = run("ut-state-credit", [mc("teaching-phonics", revoked=True)])
    assert not outcome(revoked).achieved and outcome(revoked).missing == ["0.5 more state credit"]


def test_wyoming_style_cs_endorsement_needs_the_whole_approved_stack():
    cs = [item[0] for item in STACKS["computational-thinking-practices"].items]
    four = run("wy-computer-science-endorsement", [mc(s) for s in cs[:4]] + [mc("teaching-phonics")])
    assert not outcome(four).achieved and four.requirements[0].label == "stack “computational-thinking-practices” 4/5"
    five = run("wy-computer-science-endorsement", [mc(s) for s in cs])
    assert outcome(five).achieved and outcome(five).kind == "endorsement" and len(outcome(five).provenance) == 5


def test_arkansas_style_lead_professional_educator():
    one_per_slot = [mc("coaching-for-improvement"), mc("designing-for-learning"), mc("critical-conversations"),
                    mc("cultivating-your-growth-mindset")]  # slots 1, 2, 1, 3: every slot filled
    good = {"years_licensed": 3, "evaluation_rating": "effective"}
    assert outcome(run("ar-lead-professional-educator", one_per_slot, good)).achieved
    assert outcome(run("ar-lead-professional-educator", one_per_slot, good)).expires_after_years == 5
    two_years = run("ar-lead-professional-educator", one_per_slot, {**good, "years_licensed": 2})
    assert not outcome(two_years).achieved and outcome(two_years).missing == ["years_licensed is 2; the policy needs >= 3"]
    developing = run("ar-lead-professional-educator", one_per_slot, {**good, "evaluation_rating": "developing"})
    assert not outcome(developing).achieved
    assert outcome(run("ar-lead-professional-educator", one_per_slot, {**good, "evaluation_rating": "highly_effective"})).achieved
    slot_one_only = [mc(s) for s in ("coaching-for-improvement", "observation-and-feedback", "data-driven-interventions")]
    result = run("ar-lead-professional-educator", slot_one_only, good)
    assert not outcome(result).achieved and result.requirements[0].label == "stack “effective-coaching” 1/3"


def test_arkansas_style_master_professional_educator_needs_the_nested_pathway():
    ddi = [item[0] for item in STACKS["data-driven-instruction"].items][:3]  # 3 of 5
    coaching = ["coaching-for-improvement", "designing-for-learning", "cultivating-your-growth-mindset"]
    leadership = [item[0] for item in STACKS["collective-leadership"].items]
    facts = {"years_licensed": 8, "evaluation_rating": "effective"}
    creds = [mc(s) for s in ddi + coaching + leadership]
    assert outcome(run("ar-master-professional-educator", creds, facts)).achieved
    missing_one = run("ar-master-professional-educator", creds[:-1], facts)
    assert not outcome(missing_one).achieved and missing_one.requirements[0].label == "stack “teacher-leader-pathway” 2/3"


def test_kentucky_style_rank_change_with_a_plan():
    formative = tagged("formative assessment")[:3]
    others = tagged("coaching")[:7]
    plan = [mc(s) for s in formative + others]
    assert outcome(run("ky-rank-change", plan, {"rank": "III"})).name == "Rank II"
    assert outcome(run("ky-rank-change", plan, {"rank": "III"})).achieved
    two_formative = [mc(s) for s in formative[:2] + tagged("coaching")[:8]]
    result = run("ky-rank-change", two_formative, {"rank": "III"})
    assert not outcome(result).achieved and outcome(result).missing == ["1 more MCs tagged “formative assessment”"]
    assert not outcome(run("ky-rank-change", plan, {"rank": "II"})).achieved  # already Rank II


def test_michigan_style_principal_hours_within_the_year():
    leadership = tagged("teacher leadership")
    admin = {"license_type": "administrator"}
    result = run("mi-principal-pd-hours", [mc(leadership[0]), mc(leadership[1], days_ago=200)], admin)
    assert outcome(result).achieved and outcome(result).amount == 20
    last_year = run("mi-principal-pd-hours", [mc(leadership[0], days_ago=366)], admin)
    assert not outcome(last_year).achieved and list(last_year.excluded.values()) == ["earned before the cycle window"]
    assert not outcome(run("mi-principal-pd-hours", [mc(leadership[0])], {"license_type": "professional"})).achieved


def test_kettle_moraine_style_salary_per_mc_with_student_impact_capped():
    seven = [mc(s) for s in tagged("coaching")[:7]]
    capped = run("cumberland-valley-salary-per-mc", seven)
    assert outcome(capped).achieved and outcome(capped).amount == 600 and outcome(capped).kind == "pay"
    two = run("cumberland-valley-salary-per-mc", [mc("teaching-phonics"), mc("coaching-for-improvement"),
                                                  mc("building-your-team", impact=False)])
    assert outcome(two).amount == 200
    assert two.excluded["cred-building-your-team-30"] == "no documented impact on student learning"
    assert not outcome(run("cumberland-valley-salary-per-mc", [mc("teaching-phonics", impact=False)])).achieved


def test_juab_style_teacher_leader_after_12_mcs_in_the_topic_area():
    topic = tagged("coaching") + tagged("teacher leadership")
    eleven = [mc(s) for s in topic[:11]] + [mc("teaching-phonics")]
    result = run("riverbend-teacher-leader", eleven)
    assert not outcome(result).achieved and outcome(result).missing == ["1 more MC"]
    twelve = run("riverbend-teacher-leader", eleven + [mc(topic[11])])
    assert outcome(twelve).achieved and outcome(twelve).kind == "role"
    assert "cred-teaching-phonics-30" not in outcome(twelve).provenance


def test_reciprocity_district_accepts_south_carolinas_list():
    result = run("riverbend-pd-hours-reciprocity", [mc("strategic-grouping-based-on-data"), mc("teaching-phonics")])
    assert outcome(result).achieved and outcome(result).amount == 15
    assert result.excluded == {"cred-teaching-phonics-30": "not in the policy's approved set"}
    # Without the partner's list, nothing is approved at all.
    document = validate_policy(DOCS["riverbend-pd-hours-reciprocity"], references=REFS)
    with pytest.raises(Exception):
        resolve_approved(document, lambda slug: None)


# --- The seeded demo world ---------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_seeded_demo_has_policies_facts_progress_and_awards_and_is_idempotent(seeded_demo):
    from microcred.accounts.models import User
    from microcred.core.models import AuditEvent
    from microcred.credentials.models import IssuedCredential
    from microcred.credentials.services import revoke
    from microcred.recognition import selectors, services
    from microcred.recognition.models import Award, EducatorFact, Policy

    assert Policy.objects.filter(state="published").count() == 11
    teacher = User.objects.get(username="teacher")
    award = Award.objects.get(educator=teacher, state="active")
    assert (award.policy.slug, award.amount, award.unit) == ("cumberland-valley-salary-per-mc", 100, "USD")
    assert award.provenance["credentials"] == [str(IssuedCredential.objects.get(earner=teacher).pk)]
    assert EducatorFact.objects.get(educator=teacher, key="license_type").value == "practitioner"
    assert Award.objects.filter(policy__slug="riverbend-pd-hours-reciprocity", state="active").exists()
    assert not Award.objects.filter(educator__username__in=["demo-revoked-educator", "demo-expired-educator"]).exists()
    # Real progress for a policy not yet achieved: the Tennessee renewal counts the teacher's one MC.
    tn = Policy.objects.get(slug="tn-renewal-pdps")
    progress = services._evaluate(tn.document, tn.version, tn.recognizer_id, [teacher.pk], as_of=award.awarded_at)[teacher.pk]
    assert progress.totals == {"PDP": 6} and not progress.outcomes[0].achieved

    counts = (Award.objects.count(), AuditEvent.objects.count(), EducatorFact.objects.count(), Policy.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert counts == (Award.objects.count(), AuditEvent.objects.count(), EducatorFact.objects.count(), Policy.objects.count())

    # Revocation withdraws the reciprocity award that depended on the credential, and says why.
    held = Award.objects.filter(policy__slug="riverbend-pd-hours-reciprocity", state="active").first()
    credential = IssuedCredential.objects.get(pk=held.provenance["credentials"][0])
    admin = User.objects.get(username="issuer_admin_dp" if credential.issuer.slug == content.DP else "issuer_admin")
    revoke(credential, by=admin, reason="Demo check")
    held.refresh_from_db()  # the test settings run the re-evaluation task at once
    assert held.state == "withdrawn" and "Demo check" in held.withdrawn_reason and "15 more PD hour" in held.withdrawn_reason
    assert services.evaluate_educator(held.educator) == []
    assert selectors.educators_to_evaluate()


# --- Scale data, and evaluate_all against evaluate_educator --------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_scale_data_evaluate_all_agrees_with_per_educator_evaluation():
    from microcred.accounts.models import User
    from microcred.core.models import AuditEvent
    from microcred.demo import scale
    from microcred.recognition import selectors, services
    from microcred.recognition.models import Award, EducatorFact, Policy

    counts = scale.generate(educators=200, seed=7)
    assert counts["educators"] == 200 and counts["policies"] == 50 and counts["credentials"] > 200
    assert EducatorFact.objects.count() == 600
    with pytest.raises(scale.ScaleDataRefused):
        scale.generate(educators=10)  # twice: refused

    as_of = dt.datetime.now(dt.timezone.utc)
    result = services.evaluate_all(as_of=as_of, chunk=97)  # chunks that do not divide the educators
    assert result["policies"] == 50 and result["awards"] == Award.objects.filter(state="active").count() > 0
    awarded = {(a.educator_id, a.policy.slug, a.outcome_key): (a.amount, sorted(a.provenance["credentials"]))
               for a in Award.objects.filter(state="active").select_related("policy")}

    # The reference: every applicable policy evaluated one by one through the per-educator selectors, no shortcuts.
    expected = {}
    for educator in User.objects.filter(pk__in=selectors.educators_to_evaluate()):
        for policy in selectors.policies_applying_to(educator):
            evaluation = services._evaluate(policy.document, policy.version, policy.recognizer_id, [educator.pk], as_of=as_of)[educator.pk]
            for o in evaluation.outcomes:
                if o.achieved:
                    expected[(educator.pk, policy.slug, o.key)] = (round(o.amount, 2) if o.amount is not None else None, o.provenance)
    assert {k: (float(v[0]) if v[0] is not None else None, v[1]) for k, v in awarded.items()} == \
           {k: (float(v[0]) if v[0] is not None else None, v[1]) for k, v in expected.items()}
    # Every educator here works in district 0 of the first state (AR): its policies and the district's reciprocity.
    assert {p for _, p, _ in awarded} >= {"scale-ar-state-credit", "scale-ar-literacy-hours", "scale-district-0000-reciprocity"}

    audit = AuditEvent.objects.filter(action="award.granted").count()
    assert audit == len(awarded)
    assert services.evaluate_all(as_of=as_of)["changes"] == 0  # idempotent: a second run writes nothing
    assert AuditEvent.objects.count() >= audit and AuditEvent.objects.filter(action="award.granted").count() == audit
    for educator in User.objects.filter(pk__in=selectors.educators_to_evaluate()[:40]):
        assert services.evaluate_educator(educator, as_of=as_of) == []

    # A revoked credential withdraws what depended on it in the next full run.
    from microcred.credentials.models import IssuedCredential

    award = Award.objects.filter(state="active", policy__slug="scale-ar-state-credit").first()
    IssuedCredential.objects.filter(pk__in=award.provenance["credentials"]).update(revoked_at=as_of, revocation_reason="Scale check")
    assert services.evaluate_all(as_of=as_of)["changes"] >= 1
    award.refresh_from_db()
    assert award.state == "withdrawn" and "Scale check" in award.withdrawn_reason
    assert Policy.objects.filter(state="published").count() == 50


@pytest.mark.django_db
def test_generate_scale_data_refuses_a_database_with_real_data(world):
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("generate_scale_data", "--educators", "5", stdout=out)
    assert "not scale data" in str(refused.value) and "--force" in str(refused.value)
    with pytest.raises(CommandError):
        call_command("generate_scale_data", "--educators", "0", stdout=out)


def test_generate_scale_data_help_says_most_credentials_do_not_verify():
    from microcred.demo.management.commands.generate_scale_data import Command

    assert "proofs do not verify" in Command.help and "FOR BENCHMARK DATABASES ONLY" in Command.help


@pytest.mark.django_db
def test_evaluate_recognition_command_reports_counts(world):
    out = StringIO()
    call_command("evaluate_recognition", "--no-progress", stdout=out)
    assert "Evaluated 0 educators under 0 published policies: 0 award changes" in out.getvalue()


def test_withdrawal_reason_names_an_expired_credentials_mc():
    from types import SimpleNamespace

    from microcred.recognition import bulk

    expired = mc("teaching-phonics", expires_at=AS_OF - dt.timedelta(days=1))
    result = run("ut-state-credit", [expired])
    award = SimpleNamespace(provenance={"credentials": [expired.id]}, outcome_key="state-credit")
    reason = bulk.withdrawal_reason(award, result, {}, [expired])
    assert reason == f"credential {expired.id} (teaching-phonics) expired — 0.5 more state credit"
    assert bulk.withdrawal_reason(SimpleNamespace(provenance={"credentials": ["other"]}, outcome_key="state-credit"), result, {}) == ""
