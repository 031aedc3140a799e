"""Build MC definitions for tests: a complete, valid document that tests override piece by piece."""
import copy


def make_rubric(levels=("Not Met", "Progressing", "Demonstrated"), passing_level=2, criteria=("Evidence of the practice", "Impact on students")):
    return {"levels": list(levels), "passing_rule": "all_at_least", "passing_level": passing_level, "min_criteria": None,
            "criteria": [{"title": c, "description": f"About {c.lower()}.", "descriptors": [f"{c} — {lvl}" for lvl in levels]} for c in criteria]}


BASE = {
    "format": "microcred.mc-definition/1",
    "title": "Modifying Instruction through Formative Assessment During a Lesson",
    "competency": "The educator checks for understanding during a lesson and adjusts instruction in the moment.",
    "key_method": "Plan hinge questions, collect every student's response, and change course based on what they show.",
    "method_components": [{"title": "Hinge questions", "description": "Diagnostic questions at pivot points."},
                          {"title": "All-student response", "description": "Whiteboards, cards or polls."}],
    "research": [{"citation": "Black, P., & Wiliam, D. (1998). Inside the black box.", "url": "https://example.org/black-box"}],
    "resources": [{"kind": "link", "title": "Hinge question guide", "url": "https://example.org/hinge", "description": "A short guide."}],
    "estimated_hours": "12.0",
    "cost": "free",
    "fee_amount": None,
    "subjects": ["Assessment"],
    "grade_bands": ["3-5", "6-8"],
    "educator_roles": ["teacher"],
    "tags": ["formative assessment"],
    "alignments": [{"framework": "InTASC", "code": "6(a)", "name": "Assessment", "url": "https://example.org/intasc"}],
    "visibility": "public",
    "visible_to": [],
    "parts": [
        {"title": "Overview questions", "overview": "Explain your plan.", "demonstrates": "understand", "evidence_types": ["written", "quiz"],
         "prompts": [{"text": "What is a hinge question?", "response_type": "written", "guidance": "", "choices": [], "correct_choice": None},
                     {"text": "Which is formative?", "response_type": "quiz", "guidance": "", "choices": ["Exit ticket", "Final exam"], "correct_choice": 0}],
         "rubric": make_rubric()},
        {"title": "Classroom evidence", "overview": "Show it.", "demonstrates": "implement", "evidence_types": ["video", "file"],
         "prompts": [{"text": "Upload a video of the lesson.", "response_type": "video", "guidance": "Blur faces.", "choices": [], "correct_choice": None}],
         "rubric": make_rubric()},
        {"title": "Reflection", "overview": "", "demonstrates": "reflect", "evidence_types": ["reflection"],
         "prompts": [{"text": "What changed for your students?", "response_type": "reflection", "guidance": "", "choices": [], "correct_choice": None}],
         "rubric": make_rubric(levels=("Not Yet", "Proficient"), passing_level=1, criteria=("Reflection",))},
    ],
}


def make_definition(owner: str = "issuer-one", **overrides) -> dict:
    definition = copy.deepcopy(BASE)
    definition["organizations"] = [{"organization": owner, "role": "developer"}, {"organization": owner, "role": "issuer"}]
    definition.update(copy.deepcopy(overrides))
    return definition


def make_case_package(*, document="doc-0001", title="Test Teaching Standards", groups=2, per_group=3,
                      statement="Statement {code}.") -> dict:
    """A small CASE 1.0 CFPackage: ``groups`` top-level items of ``per_group`` children each, tied by isChildOf."""
    base = "https://case.example.org/ims/case/v1p0"
    doc = {"identifier": document, "uri": f"{base}/CFDocuments/{document}", "creator": "Tests", "title": title,
           "lastChangeDateTime": "2026-01-01T00:00:00+00:00"}
    items, associations = [], []

    def add(identifier, code, parent, sequence):
        items.append({"identifier": identifier, "uri": f"{base}/CFItems/{identifier}", "humanCodingScheme": code,
                      "fullStatement": statement.format(code=code), "CFItemType": "Standard",
                      "lastChangeDateTime": doc["lastChangeDateTime"]})
        associations.append({"identifier": f"a-{identifier}", "uri": f"{base}/CFAssociations/a-{identifier}",
                             "associationType": "isChildOf", "sequenceNumber": sequence,
                             "originNodeURI": {"identifier": identifier, "uri": f"{base}/CFItems/{identifier}", "title": ""},
                             "destinationNodeURI": {"identifier": parent, "uri": f"{base}/x/{parent}", "title": ""},
                             "lastChangeDateTime": doc["lastChangeDateTime"]})

    for g in range(1, groups + 1):
        add(f"{document}-g{g}", f"T.{g}", document, g)
        for c in range(1, per_group + 1):
            add(f"{document}-g{g}-{c}", f"T.{g}.{c}", f"{document}-g{g}", c)
    return {"CFDocument": doc, "CFItems": items, "CFAssociations": associations}
