"""The starting point of a new MC: the three-part structure the field shares (MPOS / Digital Promise)."""


def starter_definition(*, title: str, competency: str, key_method: str, owner) -> dict:
    def rubric(criteria):
        return {"levels": ["Not Yet", "Proficient"], "passing_rule": "all_at_least", "passing_level": 1, "min_criteria": None,
                "criteria": [{"title": t, "description": "", "descriptors": [f"{t}: not yet shown.", f"{t}: clearly shown."]} for t in criteria]}

    return {
        "title": title, "competency": competency, "key_method": key_method,
        "organizations": [{"organization": owner.slug, "role": "developer"}, {"organization": owner.slug, "role": "issuer"}],
        "parts": [
            {"title": "Overview questions", "demonstrates": "understand", "evidence_types": ["written"],
             "overview": "Describe your context and how you will apply the key method.",
             "prompts": [{"text": "Describe the students and setting where you will use this practice.", "response_type": "written"}],
             "rubric": rubric(["Context and rationale"])},
            {"title": "Classroom evidence", "demonstrates": "implement", "evidence_types": ["video", "file"],
             "overview": "Show the practice with your own students.",
             "prompts": [{"text": "Upload evidence of the practice in your classroom.", "response_type": "video"}],
             "rubric": rubric(["Implementation of the key method"])},
            {"title": "Reflection", "demonstrates": "reflect", "evidence_types": ["reflection"],
             "overview": "Reflect on the impact on student learning and your next steps.",
             "prompts": [{"text": "What did you learn about your students, and what will you do next?", "response_type": "reflection"}],
             "rubric": rubric(["Reflection on impact"])},
        ],
    }
