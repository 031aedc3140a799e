"""The research export: no identifier of anyone in any file, and its own k-anonymity check recomputed here."""
import csv
import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from microcred.analytics import research
from microcred.analytics.models import EducatorDemographics


def _run(tmp_path, *extra):
    out = StringIO()
    call_command("export_research", str(tmp_path / "out"), *extra, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1]), tmp_path / "out"


def test_export_is_de_identified_and_k_anonymous(analytics_world, tmp_path):
    from django.utils import timezone

    from microcred.accounts.models import User

    # one consented educator with a rare answer: must be generalized, not released as is
    lone = User.objects.get(username="city-school-t0")
    EducatorDemographics.objects.create(user=lone, race_ethnicity="pacific_islander", gender="nonbinary",
                                        consented_at=timezone.now())
    lone.first_name, lone.email = "Zebulon", "=HYPERLINK(\"http://x\")@example.org"
    lone.save()
    summary, out = _run(tmp_path)
    assert set(summary) == {"files", "rows", "suppressed_rows", "k"} and summary["k"] == 10
    assert "data_dictionary.csv" in summary["files"] and "attempts.csv" in summary["files"]
    body = [line for name in summary["files"] if name != "data_dictionary.csv"
            for line in (out / name).read_text().splitlines()[1:]]  # the data, without the header lines
    text = "\n".join(body)
    cells = {cell for row in csv.reader(body) for cell in row}
    for user in User.objects.all():
        for value in (user.username, user.email, user.first_name, user.last_name):
            assert value not in cells, value
            if len(value) > 6:
                assert value not in text, value
    for org in analytics_world["orgs"].values():
        assert org.name not in text and org.slug not in text
    assert "T" not in "".join(r["started_month"] for r in csv.DictReader(open(out / "attempts.csv")))
    # recompute k-anonymity independently
    educators = list(csv.DictReader(open(out / "educators.csv")))
    groups = Counter(tuple(r[q] for q in research.QUASI) for r in educators)
    assert groups and min(groups.values()) >= 10
    assert not any(r["race_ethnicity"] == "pacific_islander" for r in educators)
    # the 3-person rural school's educators are generalized or dropped; the count is reported
    released = {r["educator"] for r in educators}
    attempts = list(csv.DictReader(open(out / "attempts.csv")))
    assert {r["educator"] for r in attempts} <= released
    assert summary["rows"] == sum(len(list(csv.reader(open(out / f)))) - 1 for f in summary["files"]
                                  if f != "data_dictionary.csv")


def test_pseudonyms_change_between_exports(analytics_world, tmp_path):
    first, out1 = _run(tmp_path / "a")
    second, out2 = _run(tmp_path / "b")
    ids1 = {r["educator"] for r in csv.DictReader(open(out1 / "educators.csv"))}
    ids2 = {r["educator"] for r in csv.DictReader(open(out2 / "educators.csv"))}
    assert ids1 and not ids1 & ids2


def test_refuses_a_non_empty_directory_and_small_k(analytics_world, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x").write_text("x")
    with pytest.raises(CommandError):
        _run(tmp_path)
    with pytest.raises(CommandError):
        call_command("export_research", str(tmp_path / "other"), "--k", "2", stdout=StringIO())


def test_anonymize_generalizes_then_drops():
    base = {"locale": "rural", "title_i": "yes", "high_need": "no", "experience": "4-10", "race_ethnicity": "", "gender": ""}
    quasi = {i: dict(base) for i in range(10)}
    quasi[10] = dict(base, race_ethnicity="asian")          # generalized: demographics withheld joins nobody ...
    quasi |= {20 + i: dict(base, locale="city", experience="21+") for i in range(3)}
    released, dropped = research.anonymize(quasi, 10)
    groups = Counter(tuple(v[q] for q in research.QUASI) for v in released.values())
    assert min(groups.values()) >= 10
    assert set(range(10)) <= set(released)
    assert dropped == {10, 20, 21, 22} or all(released[e]["locale"] == "*" for e in (10, 20, 21, 22) if e in released)


def test_the_platform_admin_page_builds_and_downloads_an_export(analytics_world, as_user, django_capture_on_commit_callbacks):
    import io
    import zipfile

    from microcred.analytics.models import ResearchExport
    from microcred.core.models import AuditEvent

    assert as_user(analytics_world["people"]["district_admin"]).get("/analytics/research/").status_code == 403
    c = as_user(analytics_world["people"]["platform_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post("/analytics/research/").status_code == 302
    export = ResearchExport.objects.get()
    assert export.state == "ready" and export.summary["k"] == 10
    response = c.get(f"/analytics/research/{export.pk}/download/")
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert "educators.csv" in names and "data_dictionary.csv" in names
    assert "Ready to download" in c.get("/analytics/research/").content.decode()
    assert AuditEvent.objects.filter(action="analytics.research_export_built").exists()
    other = as_user(analytics_world["people"]["recognizer"])
    assert other.get(f"/analytics/research/{export.pk}/download/").status_code == 404


def test_survey_ratings_are_exported_without_comments(analytics_world, tmp_path):
    """Answered experience surveys: ratings only, monthly, under the export's pseudonyms; comments never; an
    educator the k check drops takes their survey rows along."""
    from django.utils import timezone

    from microcred.earning.models import Attempt
    from microcred.quality.models import ExperienceSurvey

    secret = "My principal Mrs Hostile-Smith at Maple Elementary"
    for attempt in Attempt.objects.filter(state="earned").select_related("micro_credential"):
        ExperienceSurvey.objects.create(earner_id=attempt.earner_id, attempt=attempt, micro_credential=attempt.micro_credential,
                                        kind="decision", result="earned", rating=4, comment=secret,
                                        answered_at=timezone.now())
    unanswered = Attempt.objects.filter(state="submitted").first()
    ExperienceSurvey.objects.create(earner_id=unanswered.earner_id, attempt=unanswered,
                                    micro_credential=unanswered.micro_credential, kind="decision")
    summary, out = _run(tmp_path)
    assert "surveys.csv" in summary["files"]
    rows = list(csv.DictReader(open(out / "surveys.csv")))
    assert rows and {r["rating"] for r in rows} == {"4"} and {r["kind"] for r in rows} == {"decision"}
    assert set(rows[0]) == {"educator", "micro_credential", "kind", "result", "rating", "answered_month"}
    assert all(len(r["answered_month"]) == 7 for r in rows)
    released = {r["educator"] for r in csv.DictReader(open(out / "educators.csv"))}
    assert {r["educator"] for r in rows} <= released
    for name in summary["files"]:
        text = (out / name).read_text()
        assert "Hostile-Smith" not in text and "Maple" not in text
    dictionary = list(csv.DictReader(open(out / "data_dictionary.csv")))
    assert {r["column"] for r in dictionary if r["file"] == "surveys.csv"} == {
        "educator", "micro_credential", "kind", "result", "rating", "answered_month"}
    # every released survey row's educator passes the same k check as educators.csv
    educators = list(csv.DictReader(open(out / "educators.csv")))
    groups = Counter(tuple(r[q] for q in research.QUASI) for r in educators)
    assert min(groups.values()) >= 10
