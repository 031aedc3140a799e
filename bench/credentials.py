"""Benchmark: sign and verify a realistic micro-credential (OB 3.0 AchievementCredential) on one core.

Usage: .venv/bin/python bench/credentials.py [--seconds N] [--no-context-cache] [--no-form-cache]
                                            [--no-fast-rdf] [--profile sign|verify]

--no-context-cache makes the offline loader cache nothing across calls (no "static" resolved contexts, no
memoized context processing or IRI expansion, no canonical-form cache), so pyld re-processes every context on
every call; --no-form-cache keeps the context caches but turns off the cache of small canonical forms, so the
proof configuration is canonicalized on every call as it would be when every signature has a new ``created``;
--no-fast-rdf turns off the direct JSON → N-Quads path (fastrdf.py), so canonical forms come from pyld's
expansion, toRDF and URDNA2015 (with the caches above); --profile prints the top cProfile entries.
The last line printed is JSON: {"sign_per_s": …, "verify_per_s": …} measured in wall-clock time on one core, plus
the same rates per second of CPU time used ("…_per_cpu_s") and the load average when the run started: on a
shared machine the wall-clock rates fall with the load, the CPU-time rates much less.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from microcred.credentials.standards import dataintegrity, jsonld  # noqa: E402

ISSUER = "https://microcred.example/issuers/tn-educator-network"
MC = "https://microcred.example/micro-credentials/formative-assessment/v3"
CRITERIA = [
    ("learning-targets", "Learning targets shared with students"),
    ("checks-for-understanding", "Checks for understanding during instruction"),
    ("feedback", "Actionable feedback to students"),
    ("instructional-adjustment", "Adjusting instruction from evidence"),
    ("reflection", "Reflection on student learning data"),
]
LEVELS = [("developing", "Developing", 1), ("proficient", "Proficient", 2), ("exemplary", "Exemplary", 3)]


def micro_credential(earner_did: str) -> dict:
    """An unsigned AchievementCredential like the ones microcred issues: rubric results, alignments, evidence."""
    result_descriptions = [
        {
            "id": f"{MC}#criterion-{slug}",
            "type": ["ResultDescription"],
            "name": title,
            "resultType": "RubricCriterionLevel",
            "requiredLevel": f"{MC}#criterion-{slug}-proficient",
            "rubricCriterionLevel": [
                {
                    "id": f"{MC}#criterion-{slug}-{level}",
                    "type": ["RubricCriterionLevel"],
                    "name": level_name,
                    "description": f"{level_name} performance on: {title.lower()}.",
                    "level": level_name,
                    "points": str(points),
                }
                for level, level_name, points in LEVELS
            ],
        }
        for slug, title in CRITERIA
    ]
    results = [
        {
            "type": ["Result"],
            "resultDescription": f"{MC}#criterion-{slug}",
            "achievedLevel": f"{MC}#criterion-{slug}-{'exemplary' if index % 2 else 'proficient'}",
            "status": "Completed",
        }
        for index, (slug, _title) in enumerate(CRITERIA)
    ]
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        ],
        "id": "urn:uuid:4f6e3c1a-5b2d-4c8e-9a7f-1d2e3f4a5b6c",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Formative Assessment in Practice",
        "issuer": {
            "id": ISSUER,
            "type": ["Profile"],
            "name": "Tennessee Educator Micro-credential Network",
            "url": "https://microcred.example/",
            "email": "credentials@microcred.example",
        },
        "validFrom": "2025-03-14T15:09:26Z",
        "credentialSchema": [{
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }],
        "credentialSubject": {
            "id": earner_did,
            "type": ["AchievementSubject"],
            "activityEndDate": "2025-03-01T00:00:00Z",
            "achievement": {
                "id": MC,
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Formative Assessment in Practice",
                "description": "The educator plans, uses and responds to formative assessment in daily instruction.",
                "criteria": {
                    "id": f"{MC}#criteria",
                    "narrative": "Submit a lesson plan, two annotated student work samples, a video excerpt and a "
                                 "reflection; an assessor scores each criterion of the rubric at Proficient or above.",
                },
                "creator": {"id": ISSUER, "type": ["Profile"]},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "InTASC Standard 6: Assessment",
                        "targetUrl": "https://ccsso.org/intasc/standard-6",
                        "targetFramework": "InTASC Model Core Teaching Standards",
                        "targetCode": "6",
                        "targetType": "ext:InTASC",
                    },
                    {
                        "type": ["Alignment"],
                        "targetName": "TEAM Rubric: Questioning and Feedback",
                        "targetUrl": "https://team-tn.org/rubric/instruction/questioning",
                        "targetFramework": "TEAM Educator Evaluation",
                        "targetType": "ext:TEAM",
                    },
                ],
                "resultDescription": result_descriptions,
                "tag": ["formative assessment", "feedback", "K-12"],
            },
            "result": results,
        },
        "evidence": [
            {
                "id": f"https://microcred.example/evidence/{index}",
                "type": ["Evidence"],
                "name": name,
                "description": f"{name} submitted by the earner.",
                "genre": genre,
                "audience": "Assessors",
            }
            for index, (name, genre) in enumerate([
                ("Lesson plan", "Document"), ("Student work samples", "Artifact"),
                ("Classroom video excerpt", "Video"), ("Reflection", "Essay"),
            ], start=1)
        ],
    }


def rate(action, seconds: float) -> tuple[float, float]:
    """Calls of ``action`` per wall-clock second and per CPU second, over at least ``seconds`` after a warm-up."""
    action()
    count, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        action()
        count += 1
    return count / elapsed, count / max(time.process_time() - cpu_start, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--no-context-cache", action="store_true")
    parser.add_argument("--no-form-cache", action="store_true")
    parser.add_argument("--no-fast-rdf", action="store_true")
    parser.add_argument("--profile", choices=["sign", "verify"])
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, so numbers compare across runs

    loader = jsonld.OfflineDocumentLoader(cache_resolved_contexts=not args.no_context_cache)
    if args.no_form_cache:
        loader.canonical_forms = None
    if args.no_fast_rdf:
        loader.use_fast_rdf = False
    load = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    key = Ed25519PrivateKey.generate()
    multikey = dataintegrity.public_key_to_multikey(key.public_key())
    method = f"did:key:{multikey}#{multikey}"
    document = micro_credential("did:example:earner-8c1f")
    undefined = jsonld.undefined_terms(document, loader=loader)
    if undefined:
        raise SystemExit(f"benchmark credential has undefined terms: {undefined}")

    def do_sign():
        return dataintegrity.sign(document, private_key=key, verification_method=method,
                                  created="2025-03-14T15:09:26Z", loader=loader)

    signed = do_sign()

    def do_verify():
        result = dataintegrity.verify(signed, resolve_key=dataintegrity.resolve_did_key, loader=loader)
        assert result.ok, result.reason

    if args.profile:
        profiler = cProfile.Profile()
        action = do_sign if args.profile == "sign" else do_verify
        profiler.enable()
        for _ in range(30):
            action()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)

    canon_lines = jsonld.canonicalize(document, loader=loader).count("\n")
    print(f"credential: {len(json.dumps(signed))} bytes of JSON, {canon_lines} N-Quads; "
          f"context cache {'off' if args.no_context_cache else 'on'}; "
          f"canonical-form cache {'off' if loader.canonical_forms is None else 'on'}; "
          f"fast RDF {'on' if loader.fast_canonicalizer() else 'off'}; one core; load average {load}")
    sign_per_s, sign_per_cpu_s = rate(do_sign, args.seconds)
    print(f"sign:   {sign_per_s:8.1f} per second ({1000 / sign_per_s:.2f} ms each), "
          f"{sign_per_cpu_s:.1f} per CPU second")
    verify_per_s, verify_per_cpu_s = rate(do_verify, args.seconds)
    print(f"verify: {verify_per_s:8.1f} per second ({1000 / verify_per_s:.2f} ms each), "
          f"{verify_per_cpu_s:.1f} per CPU second")
    print(json.dumps({"sign_per_s": round(sign_per_s, 1), "verify_per_s": round(verify_per_s, 1),
                      "sign_per_cpu_s": round(sign_per_cpu_s, 1), "verify_per_cpu_s": round(verify_per_cpu_s, 1),
                      "load_average": load}))


if __name__ == "__main__":
    main()
