"""Demo content for the microcred demo world: organizations, people, micro-credentials and stacks.

ALL CONTENT HERE IS ILLUSTRATIVE. Organization names marked "(illustrative)" are modeled on real
organizations named in the seed documents (a state education agency, BloomBoard, Digital Promise, an
NEA-like union) but are not those organizations and do not speak for them; the districts, schools,
university and people are fictional. Micro-credential titles follow the public stacks listed in the
seed appendix (BloomBoard and Digital Promise samples); the competency statements, key methods,
prompts and rubrics were written for this demo and are not the issuers' actual requirements.
Research citations point at real, widely cited works for context only.

Plain Python data, no Django imports: the loader (seed_demo) turns it into rows, and every MC goes
through catalog.definition.validate_definition. Run this file directly for a quick self-check.
"""
from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------------------------

STATE = "TN"
SEA = "tennessee-department-of-education"
RURAL = "cumberland-valley-schools"
CITY = "riverbend-city-schools"
RURAL_ELEM = "cumberland-valley-elementary"
RURAL_HIGH = "cumberland-valley-high-school"
CITY_MIDDLE = "riverbend-middle-school"
CITY_ELEM = "eastside-elementary-school"
UNIV = "highland-state-university"
BB = "bloomboard"
DP = "digital-promise"
UNION = "national-education-association"

ORGANIZATIONS = [
    {"slug": SEA, "name": "Tennessee Department of Education (illustrative)", "kind": "state_agency", "parent": None,
     "state": STATE, "locale": "", "website": "https://www.tn.gov/education.html",
     "description": "Illustrative state education agency. Recognizes micro-credentials toward license renewal "
                    "and professional-development hours, modeled on the state pilots described in the seed reports."},
    {"slug": RURAL, "name": "Cumberland Valley Schools", "kind": "district", "parent": SEA, "state": STATE,
     "locale": "rural", "website": "",
     "description": "Fictional rural district of five schools spread across two counties. Uses micro-credentials "
                    "so teachers far from a university can earn job-embedded professional learning."},
    {"slug": CITY, "name": "Riverbend City Schools", "kind": "district", "parent": SEA, "state": STATE,
     "locale": "city", "website": "",
     "description": "Fictional mid-sized city district. Runs a teacher-leader program that recognizes "
                    "coaching and collective-leadership micro-credentials."},
    {"slug": RURAL_ELEM, "name": "Cumberland Valley Elementary", "kind": "school", "parent": RURAL, "state": STATE,
     "locale": "rural", "website": "", "description": "Fictional K-5 school in Cumberland Valley Schools."},
    {"slug": RURAL_HIGH, "name": "Cumberland Valley High School", "kind": "school", "parent": RURAL, "state": STATE,
     "locale": "rural", "website": "", "description": "Fictional 9-12 school in Cumberland Valley Schools."},
    {"slug": CITY_MIDDLE, "name": "Riverbend Middle School", "kind": "school", "parent": CITY, "state": STATE,
     "locale": "city", "website": "", "description": "Fictional 6-8 school in Riverbend City Schools."},
    {"slug": CITY_ELEM, "name": "Eastside Elementary School", "kind": "school", "parent": CITY, "state": STATE,
     "locale": "city", "website": "", "description": "Fictional K-5 school in Riverbend City Schools."},
    {"slug": UNIV, "name": "Highland State University", "kind": "higher_ed", "parent": None, "state": STATE,
     "locale": "town", "website": "",
     "description": "Fictional public university with a college of education. Develops and issues "
                    "micro-credentials on supporting English learners and performance assessment."},
    {"slug": BB, "name": "BloomBoard (illustrative)", "kind": "nonprofit", "parent": None, "state": "",
     "locale": "", "website": "https://bloomboard.com",
     "description": "Illustrative micro-credential sponsor modeled on BloomBoard: stacks built with state "
                    "agencies, two-level rubrics (Not Yet / Proficient)."},
    {"slug": DP, "name": "Digital Promise (illustrative)", "kind": "nonprofit", "parent": None, "state": "",
     "locale": "", "website": "https://digitalpromise.org",
     "description": "Illustrative micro-credential issuer modeled on Digital Promise: issues micro-credentials "
                    "developed by many partner organizations."},
    {"slug": UNION, "name": "National Education Association (illustrative)", "kind": "union", "parent": None,
     "state": "", "locale": "", "website": "https://www.nea.org",
     "description": "Illustrative teachers' union modeled on the NEA: provides content and coaching for "
                    "member-led micro-credentials."},
]

# ---------------------------------------------------------------------------------------------
# People (one login per role at least)
# ---------------------------------------------------------------------------------------------


def _person(role, username, first, last, memberships, profile=None):
    return {"role": role, "username": username, "password": f"demo-{username.replace('_', '-')}-2026",
            "first_name": first, "last_name": last, "email": f"{username}@demo.microcred.test",
            "memberships": memberships, "profile": profile}


PEOPLE = [
    _person("teacher", "teacher", "Maya", "Holloway", [[RURAL, "earner"], [RURAL_ELEM, "earner"]],
            {"state": STATE, "district": RURAL, "school": RURAL_ELEM, "position": "teacher",
             "career_stage": "new", "license_number": "TN-000482913"}),
    _person("teacher (second district)", "teacher2", "Darnell", "Ortiz", [[CITY, "earner"], [CITY_MIDDLE, "earner"]],
            {"state": STATE, "district": CITY, "school": CITY_MIDDLE, "position": "teacher",
             "career_stage": "experienced", "license_number": "TN-000317604"}),
    _person("coach", "coach", "Renee", "Whitaker", [[RURAL, "coach"], [RURAL_ELEM, "coach"]],
            {"state": STATE, "district": RURAL, "school": RURAL_ELEM, "position": "coach",
             "career_stage": "experienced", "license_number": "TN-000129877"}),
    _person("assessor", "assessor", "Priya", "Raman", [[BB, "assessor"], [DP, "assessor"]]),
    _person("author", "author", "Colin", "Marsh", [[BB, "author"]]),
    _person("issuer_admin", "issuer_admin", "Angela", "Brooks", [[BB, "issuer_admin"]]),
    _person("author_dp", "author_dp", "Sofia", "Delgado", [[DP, "author"]]),
    _person("issuer_admin_dp", "issuer_admin_dp", "Marcus", "Lee", [[DP, "issuer_admin"]]),
    _person("recognizer", "recognizer", "Janet", "Pruitt", [[SEA, "recognizer_admin"]]),
    _person("district people admin", "district_admin", "Grace", "Nakamura", [[RURAL, "org_admin"]]),
    _person("admin", "admin", "Sam", "Okafor", [[SEA, "platform_admin"]]),
]

# ---------------------------------------------------------------------------------------------
# Micro-credential builders
# ---------------------------------------------------------------------------------------------

BB_SCALE = ["Not Yet", "Proficient"]
DP_SCALE = ["Not Met", "Progressing", "Demonstrated"]

INTASC_URL = "https://ccsso.org/resource-library/intasc-model-core-teaching-standards-and-learning-progressions-teachers-10"
INTASC = {1: "Learner Development", 2: "Learning Differences", 3: "Learning Environments", 4: "Content Knowledge",
          5: "Application of Content", 6: "Assessment", 7: "Planning for Instruction", 8: "Instructional Strategies",
          9: "Professional Learning and Ethical Practice", 10: "Leadership and Collaboration"}
ISTE_URL = "https://iste.org/standards/educators"
ISTE = {"1": "Learner", "2": "Leader", "3": "Citizen", "4": "Collaborator", "5": "Designer", "6": "Facilitator", "7": "Analyst"}
TLMS_URL = "https://www.nea.org/professional-excellence/professional-learning/teacher-leader-model-standards"
TLMS = {"I": "Fostering a Collaborative Culture to Support Educator Development and Student Learning",
        "II": "Accessing and Using Research to Improve Practice and Student Learning",
        "III": "Promoting Professional Learning for Continuous Improvement",
        "IV": "Facilitating Improvements in Instruction and Student Learning",
        "V": "Promoting the Use of Assessments and Data for School and District Improvement",
        "VI": "Improving Outreach and Collaboration with Families and Community",
        "VII": "Advocating for Student Learning and the Profession"}
IES_GUIDES = "https://ies.ed.gov/ncee/wwc/practiceguides"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and")).strip("-")[:120].strip("-")


def intasc(code: str) -> dict:
    number = int(code.split("(")[0])
    return {"framework": "InTASC Model Core Teaching Standards", "code": code,
            "name": f"Standard #{number}: {INTASC[number]}", "url": INTASC_URL}


def iste(code: str) -> dict:
    return {"framework": "ISTE Standards for Educators", "code": code, "name": ISTE[code[0]], "url": ISTE_URL}


def tlms(domain: str) -> dict:
    return {"framework": "Teacher Leader Model Standards", "code": f"Domain {domain}", "name": TLMS[domain], "url": TLMS_URL}


def descriptors(levels: list[str], phrase: str) -> list[str]:
    """One descriptor per level for a criterion whose proficient behavior is `phrase` (a verb phrase)."""
    if len(levels) == 2:
        return [f"The evidence does not yet show that the educator {phrase}; resubmit with clearer or more complete evidence.",
                f"The evidence clearly shows that the educator {phrase}."]
    return [f"Little or no evidence that the educator {phrase}.",
            f"Some evidence that the educator {phrase}, but it is partial, inconsistent or not yet connected to students.",
            f"Clear, consistent evidence that the educator {phrase}, with specific examples tied to students."]


def rubric(levels: list[str], criteria: list[tuple[str, str]]) -> dict:
    return {"levels": list(levels), "passing_rule": "all_at_least", "passing_level": len(levels) - 1, "min_criteria": None,
            "criteria": [{"title": title, "description": f"The educator {phrase}.", "descriptors": descriptors(levels, phrase)}
                         for title, phrase in criteria]}


def prompts(texts: list[str], response_type: str) -> list[dict]:
    return [{"text": t, "response_type": response_type, "guidance": ""} for t in texts]


# Defaults shared by the MCs of one stack ("family").
FAMILIES = {
    "literacy": dict(owner=BB, scale=BB_SCALE, hours="15", cost="free", subjects=["English language arts", "Reading"],
                     grade_bands=["prek", "k-2", "3-5"], educator_roles=["teacher", "paraprofessional"],
                     tags=["early literacy", "elementary"],
                     resources=[{"kind": "link", "title": "IES What Works Clearinghouse practice guides", "url": IES_GUIDES,
                                 "description": "Free, research-based recommendations on foundational reading and writing."}]),
    "management": dict(owner=BB, scale=BB_SCALE, hours="12", cost="free", subjects=["Classroom management"],
                       grade_bands=["k-2", "3-5", "6-8", "9-12"], educator_roles=["teacher", "aspiring-teacher"],
                       tags=["classroom management", "new teachers"],
                       resources=[{"kind": "coach", "title": "Debrief with your mentor or coach", "url": "",
                                   "description": "Ask your mentor to observe one lesson and note what students do."}]),
    "data": dict(owner=BB, scale=BB_SCALE, hours="15", cost="fee", fee="25", subjects=["Assessment"],
                 grade_bands=["3-5", "6-8", "9-12"], educator_roles=["teacher", "teacher-leader"],
                 tags=["formative assessment", "data"],
                 resources=[{"kind": "link", "title": "Using Student Achievement Data to Support Instructional Decision Making (IES practice guide)",
                             "url": IES_GUIDES, "description": "Recommendations on building a cycle of data use."}]),
    "coaching": dict(owner=DP, scale=DP_SCALE, hours="20", cost="free", subjects=["Instructional coaching"],
                     grade_bands=["k-2", "3-5", "6-8", "9-12"], educator_roles=["coach", "teacher-leader"],
                     tags=["coaching", "adult learning"],
                     resources=[{"kind": "course", "title": "Coaching cycles: a self-paced primer", "url": "",
                                 "description": "Short modules on goal setting, observation and feedback in a coaching cycle."}]),
    "leadership": dict(owner=DP, scale=DP_SCALE, hours="20", cost="free", subjects=["Teacher leadership"],
                       grade_bands=["k-2", "3-5", "6-8", "9-12"], educator_roles=["teacher-leader", "principal", "teacher"],
                       tags=["teacher leadership", "school redesign"],
                       resources=[{"kind": "link", "title": "Teacher Leader Model Standards", "url": TLMS_URL,
                                   "description": "The seven domains of teacher leadership used for alignment."}]),
    "ct": dict(owner=DP, scale=DP_SCALE, hours="15", cost="free", subjects=["Computer science", "Mathematics", "Science"],
               grade_bands=["3-5", "6-8", "9-12"], educator_roles=["teacher"], tags=["computational thinking", "STEM"],
               resources=[{"kind": "link", "title": "K-12 Computer Science Framework", "url": "https://k12cs.org",
                           "description": "Concepts and practices of computer science for every grade band."}]),
    "begin": dict(owner=DP, scale=DP_SCALE, hours="8", cost="free", subjects=["Teaching profession"],
                  grade_bands=["9-12", "adult"], educator_roles=["aspiring-teacher"],
                  tags=["Educators Rising", "aspiring teachers", "grow your own"],
                  resources=[{"kind": "coach", "title": "Work with your Educators Rising advisor", "url": "",
                              "description": "Your advisor helps you arrange a classroom to practice in."}]),
    "el": dict(owner=UNIV, scale=DP_SCALE, hours="15", cost="free", subjects=["English learners", "English language arts"],
               grade_bands=["3-5", "6-8", "9-12"], educator_roles=["teacher"], tags=["English learners", "academic language"],
               resources=[{"kind": "link", "title": "Teaching Academic Content and Literacy to English Learners (IES practice guide)",
                           "url": IES_GUIDES, "description": "Recommendations on academic vocabulary and structured discussion."}]),
}

MICRO_CREDENTIALS: list[dict] = []


def mc(title, family, *, competency, method, comps, research, ask, show, look, reflect, evidence=("video", "file"),
       align=(), quiz=None, state="published", roles=None, visibility="public", visible_to=(), **overrides):
    """Build one definition dict; the repetitive scaffolding comes from the family and helpers."""
    f = dict(FAMILIES[family], **overrides)
    levels = f["scale"]
    slug = slugify(title)
    name = title[0].lower() + title[1:] if not title[:2].isupper() else title
    part1_prompts = prompts(ask, "written")
    if quiz:
        text, choices, correct = quiz
        part1_prompts.append({"text": text, "response_type": "quiz", "guidance": "", "choices": choices, "correct_choice": correct})
    comp_titles = [c[0].lower() for c in comps]
    definition = {
        "slug": slug,
        "owner": f["owner"],
        "title": title,
        "competency": competency,
        "key_method": method,
        "method_components": [{"title": t, "description": d} for t, d in comps],
        "research": [{"citation": c, "url": u} for c, u in research],
        "resources": list(f["resources"]),
        "estimated_hours": f["hours"],
        "cost": f["cost"],
        "fee_amount": f.get("fee") if f["cost"] == "fee" else None,
        "subjects": list(f["subjects"]),
        "grade_bands": list(f["grade_bands"]),
        "educator_roles": list(f["educator_roles"]),
        "tags": list(f["tags"]),
        "alignments": [a if isinstance(a, dict) else intasc(a) for a in align],
        "organizations": roles or [{"organization": f["owner"], "role": "issuer"}, {"organization": f["owner"], "role": "developer"}],
        "visibility": visibility,
        "visible_to": list(visible_to),
        "parts": [
            {"title": "Overview questions",
             "overview": f"Show that you understand {name} and why it matters for your students.",
             "demonstrates": "understand", "evidence_types": ["written"] + (["quiz"] if quiz else []),
             "prompts": part1_prompts,
             "rubric": rubric(levels, [
                 ("Understanding of the key method",
                  f"accurately explains the key method and its components ({', '.join(comp_titles)})"),
                 ("Connection to students and context",
                  "connects the method to the research and to the specific needs of their own students"),
             ])},
            {"title": "Classroom artifacts",
             "overview": f"Submit evidence of {name} with your own students.",
             "demonstrates": "implement", "evidence_types": list(evidence),
             "prompts": prompts(show, evidence[0]),
             "rubric": rubric(levels, look)},
            {"title": "Reflection",
             "overview": "Reflect on the impact of the practice and plan your next steps.",
             "demonstrates": "reflect", "evidence_types": ["reflection"],
             "prompts": prompts(reflect + ["What will you keep, change or try next, and why?"], "reflection"),
             "rubric": rubric(levels, [
                 ("Impact on student learning",
                  f"uses specific evidence from students to describe the impact of {name}"),
                 ("Next steps for practice",
                  "names concrete, justified next steps for refining the practice"),
             ])},
        ],
        "demo_state": state,
    }
    MICRO_CREDENTIALS.append(definition)
    return slug


def split_roles(developer, issuer, content_provider=None, evidence_host=None):
    """Washington-PESB style: the four organization roles held by different organizations."""
    roles = [{"organization": developer, "role": "developer"}, {"organization": issuer, "role": "issuer"}]
    if content_provider:
        roles.append({"organization": content_provider, "role": "content_provider"})
    if evidence_host:
        roles.append({"organization": evidence_host, "role": "evidence_host"})
    return roles


# ---------------------------------------------------------------------------------------------
# Early Literacy (BloomBoard-like)
# ---------------------------------------------------------------------------------------------

NRP = ("National Reading Panel (2000). Teaching Children to Read: An Evidence-Based Assessment of the Scientific Research "
       "Literature on Reading and Its Implications for Reading Instruction. National Institute of Child Health and Human Development.",
       "https://www.nichd.nih.gov/publications/pubs/nrp/smallbook")
FOORMAN = ("Foorman, B., et al. (2016). Foundational Skills to Support Reading for Understanding in Kindergarten Through "
           "3rd Grade (NCEE 2016-4008). Institute of Education Sciences.", IES_GUIDES)

IRA = mc("Interactive Read Aloud", "literacy",
    competency="The educator plans and leads interactive read alouds of complex texts that build students' vocabulary, "
               "background knowledge and comprehension through purposeful talk.",
    method="The educator selects a rich text, plans stopping points with text-dependent questions and think-alouds, "
           "and has students turn and talk so that every child processes the text orally.",
    comps=[("Text selection", "Choose a text above students' independent level with rich vocabulary and ideas worth discussing."),
           ("Planned stopping points", "Mark three to five places to model thinking, define a word or ask a text-dependent question."),
           ("Student talk", "Use turn-and-talk and short partner routines so every student responds, not only volunteers.")],
    research=[("Beck, I. L., & McKeown, M. G. (2001). Text Talk: Capturing the benefits of read-aloud experiences for young "
               "children. The Reading Teacher, 55(1), 10-20.", ""), FOORMAN],
    ask=["Why are texts read aloud chosen above students' independent reading level?",
         "Describe how you decide where to stop during a read aloud and what kind of question to ask at each stop."],
    show=["Submit your read-aloud plan with the text, marked stopping points and the questions or think-alouds for each.",
          "Submit a 10-15 minute video of the read aloud showing student turn-and-talk."],
    look=[("Complex text and planned stops", "selects a complex text and plans stopping points that target vocabulary and meaning"),
          ("Text-dependent questioning", "asks questions that require students to return to the words and pictures of the text"),
          ("All students talk", "structures partner talk so that most students respond orally during the read aloud")],
    reflect=["What did students' talk show about their comprehension of the text?"],
    align=["4(a)", "8(e)"],
    quiz=("Which question is text-dependent?",
          ["Have you ever had a pet?", "What did Lily do after she found the lost puppy, and why?",
           "What is your favorite animal?", "Do you like this book?"], 1))

TPA = mc("Teaching Phonological Awareness", "literacy",
    competency="The educator provides explicit, systematic phonological awareness instruction that develops students' "
               "ability to hear and manipulate the sounds in spoken words.",
    method="The educator uses short, daily, oral activities that move from larger units (words, syllables, onset-rime) to "
           "phonemes, with modeling, guided practice and quick checks of every student.",
    comps=[("Sequence of skills", "Teach rhyme, syllables and onset-rime before blending, segmenting and manipulating phonemes."),
           ("Explicit modeling", "Model each task with an 'I do, we do, you do' routine and physical supports such as clapping or chips."),
           ("Quick assessment", "Use a brief screener or checklist to regroup students by the skill they still need.")],
    research=[NRP, ("Anthony, J. L., & Francis, D. J. (2005). Development of phonological awareness. Current Directions in "
                    "Psychological Science, 14(5), 255-259.", "")],
    ask=["Explain the difference between phonological awareness and phonics.",
         "Which phonological awareness skills do your students need now, and how do you know?"],
    show=["Submit screener results for a small group and the skill you chose to teach from them.",
          "Submit a video of a 5-10 minute phonological awareness lesson with that group."],
    look=[("Skill matched to data", "chooses the phonological skill to teach from screener or checklist results"),
          ("Explicit oral modeling", "models the sound task clearly and moves students from guided to independent practice"),
          ("Checks each student", "checks every student's response and corrects errors immediately")],
    reflect=["How did students' performance on the skill change over two weeks?"],
    align=["4(a)", "6(a)"])

BWI = mc("Beginning Writing Instruction", "literacy",
    competency="The educator teaches beginning writers to compose and transcribe their ideas, combining instruction in "
               "handwriting, spelling and sentence construction with daily time to write for real purposes.",
    method="The educator models writing aloud, provides short explicit lessons on transcription and the writing process, "
           "and confers with students about their drafts.",
    comps=[("Modeled writing", "Think aloud while writing in front of students, showing how ideas become sentences."),
           ("Transcription skills", "Teach letter formation and encoding so writing becomes fluent enough to carry ideas."),
           ("Writing conferences", "Meet briefly with writers to name one strength and teach one next step.")],
    research=[("Graham, S., et al. (2012). Teaching Elementary School Students to Be Effective Writers (NCEE 2012-4058). "
               "Institute of Education Sciences.", IES_GUIDES),
              ("Graham, S., & Hebert, M. (2010). Writing to Read: Evidence for How Writing Can Improve Reading. Alliance for "
               "Excellent Education.", "")],
    ask=["Why do handwriting and spelling instruction matter for young students' composition?",
         "Describe how daily writing time is organized in your classroom."],
    show=["Submit a video of a modeled writing lesson.",
          "Submit three student writing samples from the start and end of a four-week unit, with your conference notes."],
    look=[("Modeled composing", "models the process of turning ideas into written sentences aloud"),
          ("Explicit transcription teaching", "teaches handwriting or spelling explicitly within the writing block"),
          ("Feedback through conferring", "gives each writer specific, actionable feedback in conferences")],
    reflect=["What growth do you see across the student samples, and what explains it?"],
    align=["4(d)", "8(h)"])

TBD = mc("Text-Based Discussions", "literacy",
    competency="The educator facilitates discussions in which students build understanding of a text by citing evidence "
               "and responding to one another's ideas.",
    method="The educator poses open, text-dependent questions, teaches discussion norms and sentence frames, and steps "
           "back so that students talk to each other rather than only to the teacher.",
    comps=[("Open, text-dependent questions", "Plan questions with more than one defensible answer that can be settled with the text."),
           ("Discussion norms", "Teach students how to agree, disagree and build on a peer's idea."),
           ("Teacher moves", "Use revoicing, wait time and 'say more' prompts instead of evaluating each answer.")],
    research=[("Murphy, P. K., Wilkinson, I. A. G., Soter, A. O., Hennessey, M. N., & Alexander, J. F. (2009). Examining the "
               "effects of classroom discussion on students' comprehension of text: A meta-analysis. Journal of Educational "
               "Psychology, 101(3), 740-764.", ""),
              ("Shanahan, T., et al. (2010). Improving Reading Comprehension in Kindergarten Through 3rd Grade (NCEE 2010-4038). "
               "Institute of Education Sciences.", IES_GUIDES)],
    ask=["What makes a discussion question open and text-dependent?", "Which discussion norms will you teach first, and why?"],
    show=["Submit a 10-minute video of a student-led text discussion.", "Submit your question plan and the norms chart you used."],
    look=[("Students cite the text", "prompts students to support their ideas with specific evidence from the text"),
          ("Students build on each other", "structures the discussion so that students respond to peers, not only to the teacher"),
          ("Facilitation moves", "uses wait time, revoicing and follow-up prompts to deepen thinking")],
    reflect=["How did the share of student talk compare with teacher talk, and what would you change?"],
    align=["5(e)", "8(f)"])

PHON = mc("Teaching Phonics", "literacy",
    competency="The educator delivers systematic, explicit phonics instruction so students learn to decode and encode "
               "words using letter-sound correspondences.",
    method="The educator follows a defined scope and sequence, introduces each pattern explicitly, and has students apply it "
           "in word reading, spelling (dictation) and decodable text.",
    comps=[("Scope and sequence", "Teach letter-sound patterns in a planned order, from simple to complex."),
           ("Explicit introduction", "State the pattern, model blending and have students practice with immediate feedback."),
           ("Application in text", "Have students read decodable text and write dictated words containing the pattern.")],
    research=[NRP, ("Ehri, L. C. (2005). Learning to read words: Theory, findings, and issues. Scientific Studies of Reading, 9(2), 167-188.", "")],
    ask=["What does 'systematic and explicit' mean in phonics instruction?",
         "Where is your current lesson in your program's scope and sequence, and what comes before it?"],
    show=["Submit a video of a phonics lesson introducing one pattern.",
          "Submit the dictation results of five students on that pattern."],
    look=[("Explicit pattern instruction", "introduces the letter-sound pattern explicitly and models blending"),
          ("Practice with feedback", "gives students many opportunities to read and spell words with immediate corrective feedback"),
          ("Decodable application", "has students apply the pattern in connected decodable text")],
    reflect=["What do the dictation results tell you about which students need reteaching?"],
    # Two items of the illustrative CASE framework (case_world.py): the competency, and "Practice with feedback".
    align=["4(a)", "8(h)", {"case_item": "54780fc6-8c56-5640-8f72-3f0491cc2ad1"},
           {"case_item": "4a674d08-2f7c-56a6-af71-6b5119678bb7", "part": 2, "criterion": 2}],
    quiz=("Which activity is phonics rather than phonological awareness?",
          ["Clapping the syllables in a spoken word", "Saying the first sound in 'map'",
           "Reading the written word 'ship' using the sh spelling", "Thinking of words that rhyme with 'cat'"], 2))


# ---------------------------------------------------------------------------------------------
# Classroom Management (BloomBoard-like; also used by the Early Educator stack)
# ---------------------------------------------------------------------------------------------

SIMONSEN = ("Simonsen, B., Fairbanks, S., Briesch, A., Myers, D., & Sugai, G. (2008). Evidence-based practices in classroom "
            "management: Considerations for research to practice. Education and Treatment of Children, 31(3), 351-380.", "")
MARZANO_CM = ("Marzano, R. J. (2003). Classroom Management That Works: Research-Based Strategies for Every Teacher. ASCD.", "")

PSV = mc("Promoting Shared Values and Expectations", "management",
    competency="The educator establishes a small set of positively stated classroom expectations with students and teaches "
               "them so that students understand and share the values behind them.",
    method="The educator co-creates three to five expectations with students, links each to a shared value, teaches what "
           "each looks like in specific routines, and acknowledges students who meet them.",
    comps=[("Co-created expectations", "Build the expectations with students from the values they name for a good learning community."),
           ("Explicit teaching", "Teach, model and practice what each expectation looks like in different settings."),
           ("Specific acknowledgment", "Give specific praise that names the expectation a student met.")],
    research=[SIMONSEN, MARZANO_CM],
    ask=["Why should expectations be few, positive and taught rather than posted?",
         "How will you involve students in setting the expectations?"],
    show=["Submit your expectations matrix (expectations by setting) and the record of how students helped create it.",
          "Submit a video of a lesson where you teach or reteach one expectation."],
    look=[("Positive, student-owned expectations", "states three to five positive expectations built with students and linked to shared values"),
          ("Expectations are taught", "teaches and models what the expectation looks like, with student practice"),
          ("Specific acknowledgment", "acknowledges students by naming the expectation they met")],
    reflect=["What changed in students' behavior or language after you taught the expectations?"],
    align=["3(a)", "3(c)"], evidence=("file", "video"))

MLR = mc("Maximizing Learning Through Classroom Routines", "management",
    competency="The educator uses well-taught routines for transitions, materials and group work so that little "
               "instructional time is lost and students manage routines independently.",
    method="The educator identifies the routines that cost the most time, writes explicit steps for each, rehearses them with "
           "students and tracks the time a transition takes until it is efficient.",
    comps=[("Time audit", "Time transitions and routines to find where learning time is lost."),
           ("Explicit steps", "Break each routine into a few observable steps with a clear start and end signal."),
           ("Rehearsal and feedback", "Practice the routine, give feedback and practice again until it is automatic.")],
    research=[MARZANO_CM, ("Lemov, D. (2015). Teach Like a Champion 2.0. Jossey-Bass.", "")],
    ask=["Which routines take the most time in your classroom today? Give numbers from a time audit."],
    show=["Submit your time audit and the written steps for two routines.",
          "Submit a video showing students carrying out one routine after rehearsal."],
    look=[("Routine designed from a time audit", "uses timed observations to choose routines worth improving"),
          ("Clear, rehearsed steps", "teaches explicit routine steps and rehearses them with students"),
          ("Efficient transitions", "shows students completing the routine quickly and with little teacher direction")],
    reflect=["How much instructional time did the new routines recover per week?"],
    align=["3(d)", "3(c)"], evidence=("file", "video"),
    quiz=("A transition from reading groups to math takes six minutes. What is the best first step?",
          ["Add a consequence for slow students", "Time the transition and list each step students must take",
           "Skip the transition", "Give a longer lesson to compensate"], 1))

RSB = mc("Redirecting Student Behavior to Meet Classroom Expectations", "management",
    competency="The educator responds to off-task or disruptive behavior with calm, least-intrusive redirections that "
               "return the student to learning and preserve the relationship.",
    method="The educator uses a continuum of responses, from proximity and nonverbal cues to private, brief verbal "
           "redirections that name the expected behavior, and follows up privately when needed.",
    comps=[("Least-intrusive first", "Start with proximity, a look or a gesture before saying anything."),
           ("Name the expected behavior", "Say what to do, briefly and privately, rather than what not to do."),
           ("Follow-up and repair", "Check in with the student afterward and acknowledge the return to expectations.")],
    research=[SIMONSEN, ("Epstein, M., Atkins, M., Cullinan, D., Kutash, K., & Weaver, R. (2008). Reducing Behavior Problems "
                         "in the Elementary School Classroom (NCEE 2008-012). Institute of Education Sciences.", IES_GUIDES)],
    ask=["Describe your continuum of responses from least to most intrusive.",
         "Why does naming the expected behavior work better than naming the misbehavior?"],
    show=["Submit a video segment showing at least two redirections.",
          "Submit a log of redirections over one week with the student response to each."],
    look=[("Least-intrusive redirection", "redirects with the least intrusive response that works"),
          ("Expectation-focused language", "names the expected behavior calmly and privately"),
          ("Learning continues", "returns students to the task without stopping instruction for the class")],
    reflect=["What patterns do you see in your redirection log, and what might prevent the behavior?"],
    align=["3(d)", "3(f)"])

CRR = mc("Developing a Climate of Respect and Rapport", "management",
    competency="The educator builds respectful, caring relationships with and among students so that every student feels "
               "known and safe to take academic risks.",
    method="The educator learns about each student, uses warm and respectful language, and teaches students how to treat "
           "each other's ideas with respect.",
    comps=[("Knowing students", "Gather information on students' interests and strengths and use it in instruction."),
           ("Respectful talk", "Model and expect respectful language between teacher and students and among students."),
           ("Safe to make mistakes", "Treat errors as part of learning and celebrate risk-taking.")],
    research=[("Cornelius-White, J. (2007). Learner-centered teacher-student relationships are effective: A meta-analysis. "
               "Review of Educational Research, 77(1), 113-143.", ""),
              ("Danielson, C. (2013). The Framework for Teaching Evaluation Instrument. The Danielson Group.", "")],
    ask=["How do you currently learn about your students' lives and interests?"],
    show=["Submit a student interest inventory summary and one lesson adapted using it.",
          "Submit a video showing interactions among students during group work."],
    look=[("Knows students", "uses knowledge of individual students to shape instruction"),
          ("Respectful interactions", "models and reinforces respectful interactions among students"),
          ("Mistakes are safe", "responds to student errors in ways that encourage further participation")],
    reflect=["What did students say or do that showed they felt respected?"],
    align=["3(a)", "1(b)"], hours="10")

# ---------------------------------------------------------------------------------------------
# Data-Driven Instruction (BloomBoard-like)
# ---------------------------------------------------------------------------------------------

BLACK_WILIAM = ("Black, P., & Wiliam, D. (1998). Inside the black box: Raising standards through classroom assessment. "
                "Phi Delta Kappan, 80(2), 139-148.", "")
HAMILTON = ("Hamilton, L., et al. (2009). Using Student Achievement Data to Support Instructional Decision Making "
            "(NCEE 2009-4067). Institute of Education Sciences.", IES_GUIDES)
WIGGINS = ("Wiggins, G., & McTighe, J. (2005). Understanding by Design (2nd ed.). ASCD.", "")

ALO = mc("Aligning Learning Objectives with Assessments", "data",
    competency="The educator writes measurable learning objectives and designs assessments whose items match the content "
               "and cognitive demand of each objective.",
    method="The educator plans backward from the standard, writes an objective with an observable verb, and checks every "
           "assessment item against an alignment table of content and rigor.",
    comps=[("Measurable objectives", "State what students will know and do with an observable verb and a clear condition."),
           ("Alignment table", "Map each assessment item to an objective and its level of cognitive demand."),
           ("Revision", "Revise or replace items that test something else or test at the wrong level.")],
    research=[WIGGINS, BLACK_WILIAM],
    ask=["What makes an objective measurable?", "How can an item match an objective's content but not its rigor?"],
    show=["Submit a unit's objectives, its assessment and the completed alignment table.",
          "Submit one item you revised and explain why."],
    look=[("Measurable objectives", "writes objectives with observable verbs derived from standards"),
          ("Item-level alignment", "shows each item aligned to an objective in content and cognitive demand"),
          ("Revision for alignment", "revises misaligned items based on the alignment check")],
    reflect=["How did the aligned assessment change what you learned about students?"],
    align=["6(b)", "7(a)"], evidence=("file", "link"))

MIF = mc("Modifying Instruction through Formative Assessments During a Lesson", "data",
    competency="The educator checks for understanding at planned points in a lesson and adjusts instruction in the moment "
               "based on what students show.",
    method="The educator plans hinge questions or quick checks at key points, collects a response from every student, "
           "and decides on the spot whether to move on, reteach or group students.",
    comps=[("Planned checkpoints", "Decide in advance where understanding is critical and how you will check it."),
           ("All-student responses", "Use whiteboards, cards or exit polls so every student answers, not volunteers."),
           ("In-the-moment decisions", "Set a threshold in advance (for example 80 percent correct) for moving on or reteaching.")],
    research=[BLACK_WILIAM, ("Wiliam, D. (2011). Embedded Formative Assessment. Solution Tree Press.", "")],
    ask=["What is a hinge question, and where does it belong in a lesson?",
         "Why collect responses from every student rather than from volunteers?"],
    show=["Submit your lesson plan with marked checkpoints and decision thresholds.",
          "Submit a video showing a check for understanding and your adjustment."],
    look=[("Planned checks for understanding", "plans checks at critical points with a decision rule"),
          ("Evidence from every student", "collects evidence of understanding from all students"),
          ("Adjusts instruction", "changes instruction in the moment in response to the evidence")],
    reflect=["What did you change in the lesson, and what happened as a result?"],
    align=["6(a)", "8(b)"],
    quiz=("Only 12 of 28 students answer a hinge question correctly. What should the teacher do?",
          ["Move on to keep pace", "Reteach the concept in a different way before moving on",
           "Give the answer and continue", "Assign the question as homework"], 1))

UFA = mc("Using Formative Assessment to Modify Future Instruction", "data",
    competency="The educator analyzes formative assessment results after a lesson to plan targeted instruction for the next "
               "lessons.",
    method="The educator sorts student work by misconception, identifies patterns, and revises upcoming plans with "
           "reteaching, extension and small-group time.",
    comps=[("Sort student work", "Sort exit tickets or tasks into groups by the reasoning or error they show."),
           ("Name the misconception", "Describe precisely what each group misunderstands."),
           ("Revise the plan", "Change the next lessons to address each group and recheck.")],
    research=[BLACK_WILIAM, HAMILTON],
    ask=["Why sort student work by misconception rather than by score?"],
    show=["Submit a class set of exit tickets sorted into groups with your notes.",
          "Submit the original and revised plans for the next lesson."],
    look=[("Analysis of student work", "sorts student work by misconception or reasoning pattern"),
          ("Targeted revision", "revises future instruction to address the specific patterns found"),
          ("Rechecks learning", "plans a follow-up check to see whether the revision worked")],
    reflect=["What did the follow-up check show about the reteaching?"],
    align=["6(g)", "7(d)"], evidence=("file", "link"))

SGD = mc("Strategic Grouping Based on Data", "data",
    competency="The educator forms flexible student groups from current assessment data and plans group tasks that meet "
               "each group's needs.",
    method="The educator uses a recent assessment to form temporary groups, designs a task for each group, and regroups as "
           "new data come in.",
    comps=[("Data-based grouping", "Form groups from a recent, specific skill assessment."),
           ("Differentiated tasks", "Give each group a task matched to its next step."),
           ("Flexible regrouping", "Change groups as students progress so groups never become tracks.")],
    research=[("Lou, Y., Abrami, P. C., Spence, J. C., Poulsen, C., Chambers, B., & d'Apollonia, S. (1996). Within-class "
               "grouping: A meta-analysis. Review of Educational Research, 66(4), 423-458.", ""),
              ("Tomlinson, C. A. (2014). The Differentiated Classroom: Responding to the Needs of All Learners (2nd ed.). ASCD.", "")],
    ask=["How is flexible grouping different from tracking?"],
    show=["Submit the assessment data, the groups you formed and the task for each group.",
          "Submit a record of how groups changed over three weeks."],
    look=[("Groups from data", "forms groups from recent, skill-specific assessment data"),
          ("Matched tasks", "designs tasks matched to each group's identified need"),
          ("Regrouping", "regroups students as new evidence of learning comes in")],
    reflect=["Which students moved groups, and what helped them?"],
    align=["2(a)", "6(g)"], evidence=("file", "link"),
    visibility="members", visible_to=[RURAL])

UAC = mc("Utilizing Assessment Criteria with Students", "data",
    competency="The educator shares success criteria and rubrics with students and teaches them to use the criteria to "
               "assess and improve their own and peers' work.",
    method="The educator co-constructs success criteria from exemplars, then has students self- and peer-assess against the "
           "criteria before revising.",
    comps=[("Exemplars", "Analyze strong and weak examples with students to surface criteria."),
           ("Student-friendly criteria", "Write the criteria in students' language."),
           ("Self and peer assessment", "Have students use the criteria to give feedback and revise.")],
    research=[("Hattie, J., & Timperley, H. (2007). The power of feedback. Review of Educational Research, 77(1), 81-112.",
               "https://doi.org/10.3102/003465430298487"),
              ("Andrade, H. G. (2000). Using rubrics to promote thinking and learning. Educational Leadership, 57(5), 13-18.", "")],
    ask=["How do success criteria differ from a learning objective?"],
    show=["Submit the student-friendly criteria and the exemplars you used.",
          "Submit two students' drafts with their self-assessment and revised work."],
    look=[("Criteria shared with students", "shares clear, student-friendly success criteria"),
          ("Students assess their work", "teaches students to assess work against the criteria"),
          ("Revision from criteria", "shows students revising work based on criteria-based feedback")],
    reflect=["How did using the criteria change the quality of students' revisions?"],
    align=["6(d)", "6(f)"])

# Early Educator additions (BloomBoard-like, with a state partner)
AKL = mc("Applying Key Lesson Design Elements", "data",
    competency="The educator designs lessons with a clear objective, an engaging opening, explicit instruction, guided and "
               "independent practice, and a closing check of learning.",
    method="The educator plans each lesson with the key design elements in sequence and checks that every activity serves "
           "the objective.",
    comps=[("Objective and opening", "Open by connecting the objective to prior learning and to why it matters."),
           ("Explicit instruction and guided practice", "Model, then practice together with frequent checks."),
           ("Independent practice and closure", "Let students practice alone and close with a check of the objective.")],
    research=[("Rosenshine, B. (2012). Principles of instruction: Research-based strategies that all teachers should know. "
               "American Educator, 36(1), 12-19.", ""), WIGGINS],
    ask=["Why should every lesson activity be traceable to the objective?"],
    show=["Submit a lesson plan annotated with each design element.", "Submit a video of the lesson."],
    look=[("Complete lesson structure", "plans a lesson containing each key design element in a logical sequence"),
          ("Activities serve the objective", "aligns every activity with the lesson objective"),
          ("Closing check", "closes with a check that shows whether students met the objective")],
    reflect=["Which design element most affected student learning in this lesson?"],
    align=["7(a)", "8(a)"], subjects=["Lesson planning"], cost="free", tags=["lesson design", "new teachers"])


# ---------------------------------------------------------------------------------------------
# Effective Coaching (Digital Promise-like; "various issuing organizations")
# ---------------------------------------------------------------------------------------------

KRAFT = ("Kraft, M. A., Blazar, D., & Hogan, D. (2018). The effect of teacher coaching on instruction and achievement: "
         "A meta-analysis of the causal evidence. Review of Educational Research, 88(4), 547-588.",
         "https://doi.org/10.3102/0034654318759268")
KNIGHT = ("Knight, J. (2007). Instructional Coaching: A Partnership Approach to Improving Instruction. Corwin.", "")
LPI = ("Darling-Hammond, L., Hyler, M. E., & Gardner, M. (2017). Effective Teacher Professional Development. "
       "Learning Policy Institute.", "https://learningpolicyinstitute.org/product/effective-teacher-professional-development-report")
LF = {"framework": "Learning Forward Standards for Professional Learning", "code": "", "name": "Standards for Professional Learning",
      "url": "https://learningforward.org/standards-for-professional-learning/"}
UNIV_DEV = split_roles(UNIV, DP, content_provider=UNION, evidence_host=BB)

CFI = mc("Coaching for Improvement", "coaching",
    competency="The coach leads goal-focused coaching cycles in which a teacher sets a student-learning goal, tries a "
               "strategy and uses evidence to judge improvement.",
    method="The coach runs a cycle of goal setting from student data, strategy selection, modeling or co-teaching, and "
           "review of student evidence against the goal.",
    comps=[("Student-centered goal", "Set a measurable goal about student learning, not about teacher behavior."),
           ("Strategy and support", "Choose a strategy together and support it by modeling, co-planning or co-teaching."),
           ("Evidence review", "Review student evidence against the goal and decide whether to continue, adjust or close.")],
    research=[KRAFT, KNIGHT],
    ask=["Why should a coaching goal be stated in terms of student learning?", "Describe the stages of one coaching cycle."],
    show=["Submit the goal-setting notes and baseline data from a coaching cycle.",
          "Submit the end-of-cycle student evidence and your debrief notes."],
    look=[("Measurable student goal", "co-creates a measurable goal about student learning from baseline data"),
          ("Supports the strategy", "supports the teacher's use of the strategy through modeling, co-planning or co-teaching"),
          ("Judges improvement with evidence", "uses student evidence at the end of the cycle to judge improvement")],
    reflect=["How did the teacher's practice and the students' results change during the cycle?"],
    align=[LF, tlms("IV")], evidence=("file", "link"), roles=UNIV_DEV)

CWA = mc("Collaborating with Administration", "coaching",
    competency="The coach builds a working partnership with school administrators that aligns coaching with school goals "
               "while protecting the confidentiality of coached teachers.",
    method="The coach meets regularly with the principal to agree on priorities, roles and confidentiality norms, and "
           "reports on coaching in aggregate rather than about individual teachers.",
    comps=[("Shared priorities", "Connect the coaching plan to the school improvement plan."),
           ("Role clarity", "Agree in writing that coaching is non-evaluative."),
           ("Aggregate reporting", "Report trends and outcomes without identifying individual teachers.")],
    research=[KNIGHT, ("Marzano, R. J., Waters, T., & McNulty, B. A. (2005). School Leadership That Works. ASCD.", "")],
    ask=["Why does confidentiality matter for coaching, and what should administrators know?"],
    show=["Submit the coaching agreement with your administrator.", "Submit one aggregate coaching report."],
    look=[("Aligned priorities", "aligns the coaching plan with school improvement goals"),
          ("Clear non-evaluative role", "documents a non-evaluative coaching role agreed with the administrator"),
          ("Confidential reporting", "reports to administrators in aggregate without identifying teachers")],
    reflect=["How did the agreement affect teachers' willingness to be coached?"],
    align=[LF, tlms("I")], evidence=("file", "link"))

CSN = mc("Connecting & Sharing with Networks", "coaching",
    competency="The coach uses professional networks beyond the school to find resources and ideas and shares practice "
               "back with those networks.",
    method="The coach joins at least one professional network, brings a vetted idea back to teachers, and contributes an "
           "artifact of local practice to the network.",
    comps=[("Curate", "Find and vet ideas from professional networks."),
           ("Bring back", "Adapt a network resource for local teachers."),
           ("Contribute", "Share a local artifact or lesson learned with the network.")],
    research=[("Wenger, E. (1998). Communities of Practice: Learning, Meaning, and Identity. Cambridge University Press.", ""), LPI],
    ask=["Which networks do you belong to, and what do they offer your teachers?"],
    show=["Submit the resource you brought back and how you adapted it.", "Submit a link to your contribution to a network."],
    look=[("Vetted resource", "selects a network resource and explains why it is credible and relevant"),
          ("Local adaptation", "adapts the resource for local teachers and students"),
          ("Contribution", "contributes an artifact of local practice back to a network")],
    reflect=["What did you learn from the network's response to your contribution?"],
    align=[iste("4a"), tlms("III")], evidence=("link", "file"))

CC = mc("Critical Conversations", "coaching",
    competency="The coach holds honest, respectful conversations about difficult topics in practice, keeping the focus on "
               "students and preserving trust.",
    method="The coach prepares the conversation, opens with the purpose and student evidence, listens to understand, and "
           "agrees on a next step.",
    comps=[("Prepare", "Clarify the purpose, the evidence and the outcome you hope for."),
           ("Open with evidence", "Name the issue directly and ground it in student evidence."),
           ("Listen and agree", "Listen, paraphrase and agree on a concrete next step.")],
    research=[("Patterson, K., Grenny, J., McMillan, R., & Switzler, A. (2002). Crucial Conversations: Tools for Talking When "
               "Stakes Are High. McGraw-Hill.", ""), KNIGHT],
    ask=["What makes a conversation critical, and what is at stake for students?"],
    show=["Submit your conversation plan.", "Submit an audio or video recording (with consent) or a detailed transcript summary."],
    look=[("Purposeful preparation", "prepares the purpose, evidence and desired outcome of the conversation"),
          ("Direct and respectful", "names the issue directly and respectfully, grounded in student evidence"),
          ("Agreed next step", "listens to the teacher's view and reaches an agreed next step")],
    reflect=["What happened after the conversation, and how did trust change?"],
    align=[LF, tlms("I")], evidence=("file", "video"))

CGM = mc("Cultivating Your Growth Mindset", "coaching",
    competency="The coach models and fosters a growth mindset in adults, treating teacher skill as something developed "
               "through effort, strategy and feedback.",
    method="The coach uses growth-oriented language, normalizes struggle in trying new practices, and shares their own "
           "learning goals and setbacks.",
    comps=[("Growth language", "Praise strategy and effort rather than fixed talent."),
           ("Normalize struggle", "Frame early difficulties with a new practice as part of learning."),
           ("Model learning", "Share your own professional learning goal and progress.")],
    research=[("Dweck, C. S. (2006). Mindset: The New Psychology of Success. Random House.", ""),
              ("Yeager, D. S., & Dweck, C. S. (2012). Mindsets that promote resilience. Educational Psychologist, 47(4), 302-314.", "")],
    ask=["How can fixed-mindset beliefs show up in adults' talk about teaching?"],
    show=["Submit your own learning goal and a log of progress.", "Submit notes from two coaching conversations showing growth language."],
    look=[("Models own learning", "shares a personal learning goal and evidence of progress"),
          ("Growth-oriented feedback", "uses language that credits strategy and effort"),
          ("Reframes setbacks", "helps teachers reframe setbacks as information for the next attempt")],
    reflect=["How did teachers respond to your growth-oriented language?"],
    align=[tlms("III"), "9(d)"], evidence=("file", "link"), hours="10")

DDI_I = mc("Data-Driven Interventions", "coaching",
    competency="The coach helps teachers use student data to choose, deliver and monitor targeted interventions.",
    method="The coach guides a team through screening data, matching students to an intervention, and monitoring progress "
           "with decision rules.",
    comps=[("Identify students", "Use screening data to identify students needing support."),
           ("Match intervention", "Match each group to an evidence-based intervention."),
           ("Monitor progress", "Track progress with regular probes and decision rules.")],
    research=[HAMILTON, ("Fuchs, D., & Fuchs, L. S. (2006). Introduction to response to intervention: What, why, and how valid is "
                         "it? Reading Research Quarterly, 41(1), 93-99.", "")],
    ask=["What is a decision rule in progress monitoring?"],
    show=["Submit the team's screening summary and intervention plan.", "Submit progress monitoring graphs for one group."],
    look=[("Data-based identification", "guides the team to identify students from screening data"),
          ("Evidence-based match", "helps match students to an evidence-based intervention"),
          ("Progress monitoring", "supports regular progress monitoring with clear decision rules")],
    reflect=["What decisions did the team make from the progress data?"],
    align=[tlms("V"), "6(g)"], evidence=("file", "link"),
    quiz=("A student's progress-monitoring points fall below the goal line four times in a row. What does a typical decision rule say?",
          ["Keep the intervention unchanged", "Change or intensify the intervention",
           "Stop monitoring", "Raise the goal"], 1))

DFL = mc("Designing for Learning", "coaching",
    competency="The coach designs professional learning experiences around clear outcomes for teachers and students.",
    method="The coach starts from a student-learning need, writes outcomes for teachers, and designs active sessions with "
           "follow-up support.",
    comps=[("Outcomes first", "Name what teachers will know and do, and the student outcome it serves."),
           ("Active learning", "Design tasks in which teachers practice, not only listen."),
           ("Follow-up", "Plan classroom follow-up to support transfer.")],
    research=[LPI, ("Garet, M. S., Porter, A. C., Desimone, L., Birman, B. F., & Yoon, K. S. (2001). What makes professional "
                    "development effective? American Educational Research Journal, 38(4), 915-945.", "")],
    ask=["Which features of professional development are linked to changes in practice?"],
    show=["Submit a session design with outcomes, agenda and follow-up plan.", "Submit participant feedback and a follow-up artifact."],
    look=[("Clear outcomes", "designs professional learning around clear teacher and student outcomes"),
          ("Active practice", "includes active practice with the target strategy"),
          ("Follow-up for transfer", "plans follow-up support that connects to classrooms")],
    reflect=["What evidence shows that teachers used the learning in classrooms?"],
    align=[LF, tlms("III")], evidence=("file", "link"), roles=UNIV_DEV)

FCL = mc("Fostering a Collaborative Learning Culture", "coaching",
    competency="The coach builds a culture in which teachers learn together, share practice openly and hold collective "
               "responsibility for students.",
    method="The coach establishes norms and protocols for teacher teams, such as looking at student work, and facilitates "
           "open classrooms and peer observation.",
    comps=[("Team norms", "Create and revisit norms for collaborative work."),
           ("Protocols", "Use structured protocols for examining student work."),
           ("Open practice", "Arrange peer observations and shared lessons.")],
    research=[("DuFour, R. (2004). What is a professional learning community? Educational Leadership, 61(8), 6-11.", ""),
              ("Hargreaves, A., & Fullan, M. (2012). Professional Capital: Transforming Teaching in Every School. Teachers College Press.", "")],
    ask=["What is the difference between congenial and collaborative teams?"],
    show=["Submit team norms and a completed protocol.", "Submit a video or notes from a team meeting looking at student work."],
    look=[("Norms in use", "establishes and revisits team norms"),
          ("Protocol-guided inquiry", "facilitates structured examination of student work"),
          ("Shared responsibility", "moves the team toward collective responsibility for student results")],
    reflect=["How has teachers' talk about students changed over time?"],
    align=[tlms("I"), "10(a)"])

LAPL = mc("Leading Active Professional Learning", "coaching",
    competency="The coach facilitates professional learning in which teachers actively experience, practice and plan to "
               "apply new strategies.",
    method="The coach facilitates sessions that model the strategy with teachers as learners, provide rehearsal with feedback, "
           "and end with an application plan.",
    comps=[("Experience the strategy", "Have teachers experience the strategy as learners."),
           ("Rehearse with feedback", "Let teachers rehearse and give feedback."),
           ("Plan application", "End with each teacher's plan to apply the strategy.")],
    research=[("Joyce, B., & Showers, B. (2002). Student Achievement Through Staff Development (3rd ed.). ASCD.", ""), LPI],
    ask=["Why does rehearsal matter in professional learning?"],
    show=["Submit a video segment of you facilitating the session.", "Submit teachers' application plans."],
    look=[("Modeling", "models the strategy with teachers in the learner role"),
          ("Rehearsal", "provides rehearsal with specific feedback"),
          ("Application plans", "ensures every participant leaves with an application plan")],
    reflect=["How many teachers applied the strategy, and what supported them?"],
    align=[LF, tlms("III")])

OAF = mc("Observation & Feedback", "coaching",
    competency="The coach observes instruction with a clear focus, collects low-inference evidence, and gives feedback "
               "that the teacher can act on immediately.",
    method="The coach agrees on an observation focus, scripts what students and teacher say and do, and gives one or two "
           "specific, bite-sized action steps.",
    comps=[("Agreed focus", "Observe for the focus the teacher chose."),
           ("Low-inference evidence", "Record what was said and done, not judgments."),
           ("Actionable step", "Give one or two concrete action steps and practice them.")],
    research=[KRAFT, ("Hattie, J., & Timperley, H. (2007). The power of feedback. Review of Educational Research, 77(1), 81-112.",
                      "https://doi.org/10.3102/003465430298487")],
    ask=["What is low-inference evidence? Give an example and a non-example."],
    show=["Submit your observation notes.", "Submit the feedback conversation (recording or summary) and the teacher's action step."],
    look=[("Focused observation", "observes against a focus agreed with the teacher"),
          ("Low-inference notes", "records specific, non-judgmental evidence"),
          ("Actionable feedback", "gives concrete action steps the teacher can apply in the next lesson")],
    reflect=["Did the action step show up in the next observation?"],
    align=[LF, tlms("IV")], evidence=("file", "video"),
    quiz=("Which note is low-inference evidence?",
          ["The lesson was engaging", "Students seemed confused",
           "T asked 'Why?' and waited 2 seconds; 3 of 24 students raised hands", "Great classroom management"], 2))


# ---------------------------------------------------------------------------------------------
# Collective Leadership (Digital Promise-like; developed with a teacher-leadership partner)
# ---------------------------------------------------------------------------------------------

LEITHWOOD = ("Leithwood, K., & Mascall, B. (2008). Collective leadership effects on student achievement. Educational "
             "Administration Quarterly, 44(4), 529-561.", "")
YORK_BARR = ("York-Barr, J., & Duke, K. (2004). What do we know about teacher leadership? Findings from two decades of "
             "scholarship. Review of Educational Research, 74(3), 255-316.", "")
CL_ROLES = split_roles(UNION, DP, content_provider=UNIV)

ATU = mc("Assessing How Time is Currently Used", "leadership",
    competency="The teacher leader gathers and analyzes data on how students' and teachers' time is used in order to "
               "identify opportunities to redesign learning.",
    method="The teacher leader maps the current schedule, samples how time is actually spent, and identifies time that "
           "could be reallocated to priority learning.",
    comps=[("Map the schedule", "Document the intended use of time for students and teachers."),
           ("Sample actual use", "Collect logs or observations of how time is actually spent."),
           ("Find opportunities", "Identify time that could support priority learning or collaboration.")],
    research=[("Farbman, D. A. (2015). The Case for Improving and Expanding Time in School. National Center on Time & Learning.", ""),
              LEITHWOOD],
    ask=["What is the difference between allocated time and engaged time?"],
    show=["Submit your time map and the data you collected.", "Submit an analysis naming two opportunities for redesign."],
    look=[("Time data collected", "collects data on intended and actual use of time"),
          ("Analysis of patterns", "analyzes the data to reveal patterns in time use"),
          ("Redesign opportunities", "identifies specific, feasible opportunities to reallocate time")],
    reflect=["What surprised you about how time is used, and who needs to see it?"],
    align=[tlms("V")], evidence=("file", "link"), roles=CL_ROLES, visibility="members", visible_to=[CITY])

BYT = mc("Building Your Team", "leadership",
    competency="The teacher leader assembles a team with complementary strengths and shared commitment to lead a school "
             "improvement effort.",
    method="The teacher leader identifies needed perspectives, recruits colleagues, and establishes roles, norms and "
           "decision-making processes.",
    comps=[("Needed perspectives", "Identify the expertise and voices the work requires."),
           ("Recruitment", "Invite colleagues with a clear purpose and commitment."),
           ("Team agreements", "Set roles, norms and how decisions will be made.")],
    research=[("Spillane, J. P. (2006). Distributed Leadership. Jossey-Bass.", ""), YORK_BARR],
    ask=["Which perspectives does your improvement effort need, and why?"],
    show=["Submit your team roster with roles and the perspectives each brings.", "Submit the team's agreements."],
    look=[("Complementary membership", "builds a team with complementary expertise and perspectives"),
          ("Clear roles", "defines roles and responsibilities for each member"),
          ("Decision process", "establishes norms and a clear decision-making process")],
    reflect=["How has the team's composition shaped its work so far?"],
    align=[tlms("I"), "10(b)"], evidence=("file", "link"), roles=CL_ROLES)

CPR = mc("Creating a Plan for Redesigned Learning", "leadership",
    competency="The teacher leader develops an actionable plan to redesign a learning structure, with goals, measures, "
             "responsibilities and timeline.",
    method="The teacher leader and team write a plan that states the problem, the redesign, success measures, owners and a "
           "timeline, and review it with stakeholders.",
    comps=[("Problem and goal", "State the student-learning problem and a measurable goal."),
           ("Redesign", "Describe the change to time, roles or structures."),
           ("Measures and timeline", "Name success measures, owners and milestones.")],
    research=[("Bryk, A. S., Gomez, L. M., Grunow, A., & LeMahieu, P. G. (2015). Learning to Improve. Harvard Education Press.", ""),
              LEITHWOOD],
    ask=["What makes an improvement plan actionable?"],
    show=["Submit your redesign plan.", "Submit feedback from stakeholders on the plan and your revisions."],
    look=[("Measurable goal", "states a clear problem and measurable student-learning goal"),
          ("Concrete redesign", "describes a specific, feasible redesign of learning structures"),
          ("Accountable timeline", "assigns owners, measures and milestones")],
    reflect=["What risks could derail the plan, and how will you monitor them?"],
    align=[tlms("IV"), tlms("V")], evidence=("file", "link"), roles=CL_ROLES)

CSP = mc("Cultivating a Shared Purpose", "leadership",
    competency="The teacher leader builds a shared purpose among colleagues that connects daily work to a common vision "
             "for student learning.",
    method="The teacher leader facilitates conversations in which colleagues articulate their hopes for students, "
           "synthesizes a shared purpose statement, and keeps it visible in decisions.",
    comps=[("Surface hopes", "Facilitate conversations about what colleagues want for students."),
           ("Synthesize", "Draft a shared purpose statement from the conversations."),
           ("Use it", "Refer to the purpose in team decisions.")],
    research=[("Fullan, M. (2001). Leading in a Culture of Change. Jossey-Bass.", ""), YORK_BARR],
    ask=["How does a shared purpose differ from a mission statement handed down?"],
    show=["Submit notes from the purpose conversations.", "Submit the shared purpose statement and an example of its use."],
    look=[("Inclusive process", "facilitates an inclusive process for surfacing colleagues' hopes"),
          ("Shared statement", "synthesizes a purpose statement colleagues recognize as their own"),
          ("Purpose guides decisions", "uses the purpose to guide team decisions")],
    reflect=["How does the shared purpose show up in colleagues' work now?"],
    align=[tlms("I")], evidence=("file", "link"), roles=CL_ROLES,
    quiz=("Which process is most likely to produce a purpose colleagues share?",
          ["The principal writes it over the summer", "Colleagues name their hopes for students and a team synthesizes them",
           "Copy the district mission", "Vote on three slogans"], 1))

ES = mc("Engaging Stakeholders", "leadership",
    competency="The teacher leader engages students, families, colleagues and community members in shaping and supporting "
             "a school improvement effort.",
    method="The teacher leader maps stakeholders, chooses engagement methods suited to each, and shows how their input "
           "changed the work.",
    comps=[("Stakeholder map", "Identify who is affected and who has influence."),
           ("Fitting methods", "Use surveys, listening sessions or advisory groups suited to each group."),
           ("Close the loop", "Report back how input changed the plan.")],
    research=[("Epstein, J. L. (2011). School, Family, and Community Partnerships (2nd ed.). Westview Press.", ""), LEITHWOOD],
    ask=["Which stakeholder groups are usually missing from school decisions?"],
    show=["Submit your stakeholder map and engagement plan.", "Submit a summary of input and how it changed the work."],
    look=[("Complete stakeholder map", "maps stakeholders including those usually left out"),
          ("Suitable engagement", "uses engagement methods suited to each stakeholder group"),
          ("Input used", "shows how stakeholder input changed the work")],
    reflect=["Whose voice most changed your thinking, and why?"],
    align=[tlms("VI")], evidence=("file", "link"), roles=CL_ROLES)

MC_ = mc("Managing Change", "leadership",
    competency="The teacher leader anticipates and manages the human side of change, helping colleagues move through "
             "uncertainty toward new practice.",
    method="The teacher leader communicates the why of the change, identifies concerns, provides support matched to "
           "concerns, and celebrates early wins.",
    comps=[("Communicate the why", "Explain the reason for the change in terms of students."),
           ("Diagnose concerns", "Identify colleagues' concerns about the change."),
           ("Support and early wins", "Match support to concerns and make early progress visible.")],
    research=[("Kotter, J. P. (1996). Leading Change. Harvard Business School Press.", ""),
              ("Hall, G. E., & Hord, S. M. (2015). Implementing Change: Patterns, Principles, and Potholes (4th ed.). Pearson.", "")],
    ask=["What stages of concern do people move through during a change?"],
    show=["Submit your change communication and a summary of colleagues' concerns.", "Submit your support plan and evidence of early wins."],
    look=[("Clear rationale", "communicates a clear, student-centered rationale for the change"),
          ("Concerns addressed", "identifies and responds to colleagues' concerns"),
          ("Momentum", "creates and shares early wins")],
    reflect=["Where did resistance appear, and what did it teach you?"],
    align=[tlms("VII")], evidence=("file", "link"), roles=CL_ROLES)

ULS = mc("Understanding Your Leadership Strengths", "leadership",
    competency="The teacher leader identifies their own leadership strengths and growth areas and uses them deliberately "
             "in team work.",
    method="The teacher leader completes a strengths inventory, gathers feedback from colleagues, and writes a leadership "
           "growth plan.",
    comps=[("Self-assessment", "Complete a leadership strengths inventory."),
           ("Colleague feedback", "Ask colleagues how they experience your leadership."),
           ("Growth plan", "Set goals to use strengths and develop growth areas.")],
    research=[YORK_BARR, ("Buckingham, M., & Clifton, D. O. (2001). Now, Discover Your Strengths. Free Press.", "")],
    ask=["What is one leadership strength you have relied on, and one you avoid using?"],
    show=["Submit your inventory results and colleague feedback summary.", "Submit your leadership growth plan."],
    look=[("Honest self-assessment", "assesses personal leadership strengths and growth areas honestly"),
          ("Uses feedback", "integrates colleague feedback into the self-assessment"),
          ("Actionable plan", "writes a growth plan with specific actions")],
    reflect=["How will your team benefit from your growth plan?"],
    align=[tlms("III"), "9(e)"], evidence=("file", "link"), roles=CL_ROLES, hours="10")

# ---------------------------------------------------------------------------------------------
# Computational Thinking Practices (Digital Promise-like)
# ---------------------------------------------------------------------------------------------

WING = ("Wing, J. M. (2006). Computational thinking. Communications of the ACM, 49(3), 33-35.", "https://doi.org/10.1145/1118178.1118215")
WEINTROP = ("Weintrop, D., et al. (2016). Defining computational thinking for mathematics and science classrooms. Journal of "
            "Science Education and Technology, 25(1), 127-147.", "https://doi.org/10.1007/s10956-015-9581-5")
GROVER = ("Grover, S., & Pea, R. (2013). Computational thinking in K-12: A review of the state of the field. Educational "
          "Researcher, 42(1), 38-43.", "https://doi.org/10.3102/0013189X12463051")
CT_ROLES = split_roles(UNIV, DP, evidence_host=BB)

ACD = mc("Analyzing and Communicating with Data", "ct",
    competency="The educator engages students in analyzing data sets with computational tools and communicating claims "
             "supported by the data.",
    method="Students pose a question, use a spreadsheet or code to summarize and visualize data, and present a claim with "
           "evidence and limitations.",
    comps=[("Pose a question", "Start from a question the data can answer."),
           ("Analyze with tools", "Use computational tools to summarize and visualize."),
           ("Communicate claims", "State a claim, the evidence and its limitations.")],
    research=[WEINTROP, GROVER],
    ask=["How is analyzing data a computational thinking practice?"],
    show=["Submit the lesson plan and data set.", "Submit two student products presenting a data-based claim."],
    look=[("Authentic question", "engages students in a question answerable with data"),
          ("Computational analysis", "has students use computational tools to analyze data"),
          ("Evidence-based claims", "supports students in communicating claims with evidence and limitations")],
    reflect=["What did students find hardest about making claims from data?"],
    align=[iste("5a"), "5(b)"], evidence=("file", "link"), roles=CT_ROLES)

CSD = mc("Collecting and Structuring Data", "ct",
    competency="The educator teaches students to plan data collection and to structure data so it can be analyzed by "
             "computational tools.",
    method="Students design a data collection, choose variables and units, and organize records in a consistent table.",
    comps=[("Plan collection", "Decide what to measure, how and how often."),
           ("Choose structure", "Define variables, units and one record per row."),
           ("Clean data", "Find and fix inconsistent or missing values.")],
    research=[WEINTROP, ("Konold, C., & Higgins, T. L. (2003). Reasoning about data. In A Research Companion to Principles and "
                         "Standards for School Mathematics (pp. 193-215). NCTM.", "")],
    ask=["Why does the structure of a data table matter for analysis?"],
    show=["Submit the student data collection plan template.", "Submit a student data set before and after cleaning."],
    look=[("Planned collection", "guides students to plan what and how to measure"),
          ("Structured data", "teaches students to structure data in analyzable tables"),
          ("Data quality", "has students find and fix data-quality problems")],
    reflect=["How did students' data tables improve?"],
    align=[iste("5a"), "4(b)"], evidence=("file", "link"), roles=CT_ROLES)

CA = mc("Creating Algorithms", "ct",
    competency="The educator engages students in designing, testing and refining step-by-step algorithms to solve "
             "problems in a content area.",
    method="Students decompose a problem, write an algorithm in plain language or code, test it on cases and debug.",
    comps=[("Decompose", "Break the problem into smaller steps."),
           ("Write the algorithm", "Express the steps precisely in words, pseudocode or code."),
           ("Test and debug", "Test on several cases and fix errors.")],
    research=[WING, ("Brennan, K., & Resnick, M. (2012). New frameworks for studying and assessing the development of "
                     "computational thinking. Paper presented at AERA, Vancouver.", "")],
    ask=["Give an example of an algorithm from your subject area outside of computer science."],
    show=["Submit the task students worked on.", "Submit two students' algorithms with their test cases and revisions."],
    look=[("Decomposition", "helps students decompose the problem into steps"),
          ("Precise algorithms", "has students express algorithms precisely"),
          ("Testing and debugging", "engages students in testing and debugging their algorithms")],
    reflect=["What misconceptions showed up in students' algorithms?"],
    align=[iste("5c"), "8(f)"], evidence=("file", "link"), roles=CT_ROLES,
    quiz=("A student's sorting steps work for three numbers but fail for ten. What practice comes next?",
          ["Start over with a new problem", "Test with more cases and debug the steps",
           "Accept the algorithm as correct", "Ask the teacher for the answer"], 1))

CCM = mc("Creating Computational Models", "ct",
    competency="The educator engages students in building and using computational models or simulations to explore "
             "phenomena.",
    method="Students identify the rules of a phenomenon, build or modify a simulation, run it and compare results with "
           "real-world data.",
    comps=[("Identify rules", "Define the agents, rules and variables."),
           ("Build or modify", "Build or modify a simulation that implements the rules."),
           ("Validate", "Compare model results with observations.")],
    research=[WEINTROP, ("Wilensky, U., & Resnick, M. (1999). Thinking in levels: A dynamic systems approach to making sense of "
                         "the world. Journal of Science Education and Technology, 8(1), 3-19.", "")],
    ask=["What makes a computational model useful even though it simplifies reality?"],
    show=["Submit the model or simulation link.", "Submit student analyses comparing model output with data."],
    look=[("Rules made explicit", "helps students state the rules underlying the model"),
          ("Model building", "engages students in building or modifying a model"),
          ("Model validation", "has students compare model results with real observations")],
    reflect=["What did the model help students understand that they had missed before?"],
    align=[iste("5b"), "5(a)"], evidence=("link", "file"), roles=CT_ROLES)

US = mc("Understanding Systems", "ct",
    competency="The educator helps students analyze systems by identifying components, interactions and feedback loops.",
    method="Students map a system's parts and interactions, trace feedback, and predict the effect of a change.",
    comps=[("Components", "Identify the parts of the system."),
           ("Interactions", "Describe how parts affect one another, including feedback loops."),
           ("Predict change", "Predict and test the effect of changing one part.")],
    research=[("Meadows, D. H. (2008). Thinking in Systems: A Primer. Chelsea Green.", ""), WEINTROP],
    ask=["What is a feedback loop? Give an example from your subject."],
    show=["Submit a student system map.", "Submit the students' prediction and test of a change to the system."],
    look=[("System mapping", "guides students to map components and interactions"),
          ("Feedback reasoning", "helps students identify feedback loops"),
          ("Prediction", "has students predict and test effects of change")],
    reflect=["How did students' explanations of the system become more complete?"],
    align=[iste("5c"), "4(b)"], evidence=("file", "link"), roles=CT_ROLES)


# ---------------------------------------------------------------------------------------------
# Beginning to Teach (Educators Rising-like, issued by the Digital Promise-like issuer)
# ---------------------------------------------------------------------------------------------

BT_ROLES = split_roles(DP, DP, content_provider=UNION)

ABI = mc("Anti-bias Instruction", "begin",
    competency="The aspiring teacher plans and teaches a short lesson that represents diverse identities fairly and "
             "helps students recognize and respond to bias.",
    method="The aspiring teacher reviews lesson materials for whose stories are told, adds diverse perspectives, and "
           "includes a discussion of fairness.",
    comps=[("Audit materials", "Check whose identities and voices appear in the materials."),
           ("Diverse perspectives", "Add materials that represent students' identities fairly."),
           ("Talk about fairness", "Plan a discussion where students notice and respond to bias.")],
    research=[("Derman-Sparks, L., & Edwards, J. O. (2010). Anti-Bias Education for Young Children and Ourselves. NAEYC.", ""),
              ("Ladson-Billings, G. (1995). Toward a theory of culturally relevant pedagogy. American Educational Research "
               "Journal, 32(3), 465-491.", "")],
    ask=["What is bias, and how can it appear in classroom materials?"],
    show=["Submit your materials audit and the lesson plan.", "Submit a short video of the fairness discussion."],
    look=[("Materials audit", "audits lesson materials for representation and bias"),
          ("Inclusive materials", "uses materials that represent diverse identities fairly"),
          ("Fairness discussion", "leads a respectful discussion of fairness and bias")],
    reflect=["What did you learn about your own perspective while planning?"],
    align=["2(j)", "3(a)"], evidence=("file", "video"), roles=BT_ROLES)

CCU = mc("Classroom Culture", "begin",
    competency="The aspiring teacher contributes to a positive classroom culture by building relationships and "
             "reinforcing shared expectations.",
    method="The aspiring teacher learns students' names and interests, greets them, and uses positive language to "
           "reinforce the class's expectations.",
    comps=[("Relationships", "Learn names and interests and greet students."),
           ("Positive language", "Describe what students do well."),
           ("Shared expectations", "Reinforce the expectations the class already uses.")],
    research=[("Osterman, K. F. (2000). Students' need for belonging in the school community. Review of Educational Research, "
               "70(3), 323-367.", ""), SIMONSEN],
    ask=["Why does a sense of belonging matter for learning?"],
    show=["Submit a log of your relationship-building actions.", "Submit a video or mentor observation of your interactions."],
    look=[("Builds relationships", "takes deliberate steps to know students"),
          ("Positive reinforcement", "uses positive, specific language with students"),
          ("Consistent expectations", "reinforces the class's shared expectations consistently")],
    reflect=["Which relationship-building action mattered most to a student?"],
    align=["3(a)"], evidence=("file", "video"), roles=BT_ROLES)

COL = mc("Collaboration", "begin",
    competency="The aspiring teacher collaborates with a mentor teacher to plan, teach and improve a lesson.",
    method="The aspiring teacher co-plans with a mentor, agrees on roles, and uses the mentor's feedback to revise.",
    comps=[("Co-plan", "Plan the lesson with the mentor."),
           ("Share roles", "Agree on who does what during the lesson."),
           ("Use feedback", "Ask for and apply feedback.")],
    research=[("Johnson, D. W., & Johnson, R. T. (2009). An educational psychology success story: Social interdependence theory "
               "and cooperative learning. Educational Researcher, 38(5), 365-379.", ""), YORK_BARR],
    ask=["What makes professional collaboration different from working side by side?"],
    show=["Submit co-planning notes.", "Submit the mentor's feedback and your revised plan."],
    look=[("Shared planning", "plans collaboratively with a mentor"),
          ("Clear roles", "agrees roles with the mentor for the lesson"),
          ("Feedback used", "revises practice using the mentor's feedback")],
    reflect=["What did you learn from your mentor that you could not have learned alone?"],
    align=["10(a)"], evidence=("file", "link"), roles=BT_ROLES)

FAS = mc("Formative Assessments", "begin",
    competency="The aspiring teacher uses a simple formative assessment to find out what students learned and adjusts "
             "the next step.",
    method="The aspiring teacher uses an exit ticket or quick check, sorts responses, and plans one adjustment.",
    comps=[("Quick check", "Choose an exit ticket or quick check aligned to the goal."),
           ("Sort responses", "Sort responses into got it, almost and not yet."),
           ("Adjust", "Plan one change for the next lesson.")],
    research=[BLACK_WILIAM, ("Heritage, M. (2010). Formative Assessment: Making It Happen in the Classroom. Corwin.", "")],
    ask=["How is formative assessment different from a test?"],
    show=["Submit the quick check.", "Submit the sorted responses and your planned adjustment."],
    look=[("Aligned quick check", "uses a quick check aligned to the learning goal"),
          ("Sorted evidence", "sorts student responses to find patterns"),
          ("Planned adjustment", "plans an adjustment based on the patterns")],
    reflect=["What did the students' answers tell you that you did not expect?"],
    align=["6(a)"], evidence=("file", "link"), roles=BT_ROLES,
    quiz=("Which of these is a formative assessment?",
          ["A final exam", "A two-question exit ticket used to plan tomorrow's lesson", "A report card grade", "A state test"], 1))

LEN = mc("Learner Engagement", "begin",
    competency="The aspiring teacher uses strategies that get all students actively thinking and participating.",
    method="The aspiring teacher plans active participation strategies such as think-pair-share, choral response or "
           "whiteboards, and checks who participates.",
    comps=[("Plan participation", "Choose active participation strategies."),
           ("Include everyone", "Make sure every student responds."),
           ("Check engagement", "Track who participates and adjust.")],
    research=[("Fredricks, J. A., Blumenfeld, P. C., & Paris, A. H. (2004). School engagement: Potential of the concept, state of "
               "the evidence. Review of Educational Research, 74(1), 59-109.", ""), MARZANO_CM],
    ask=["What is the difference between compliance and engagement?"],
    show=["Submit a lesson plan with participation strategies.", "Submit a participation tally or video."],
    look=[("Active strategies", "plans active participation strategies"),
          ("All students participate", "gets all students to respond"),
          ("Monitors engagement", "tracks participation and adjusts")],
    reflect=["Which students were least engaged, and what might help them?"],
    align=["3(c)", "8(a)"], evidence=("file", "video"), roles=BT_ROLES)

# ---------------------------------------------------------------------------------------------
# Supporting English Learners: Constructive Conversations (university-developed and issued)
# ---------------------------------------------------------------------------------------------

ZWIERS = ("Zwiers, J., O'Hara, S., & Pritchard, R. (2014). Common Core Standards in Diverse Classrooms: Essential Practices for "
          "Developing Academic Language and Disciplinary Literacy. Stenhouse.", "")
BAKER = ("Baker, S., et al. (2014). Teaching Academic Content and Literacy to English Learners in Elementary and Middle School "
         "(NCEE 2014-4012). Institute of Education Sciences.", IES_GUIDES)
EL_ROLES = split_roles(UNIV, UNIV, content_provider=UNION, evidence_host=DP)

AC = mc("Assessing Conversations", "el",
    competency="The educator assesses students' academic conversations to identify strengths and next steps in language "
             "and content learning.",
    method="The educator records or transcribes student pair conversations and analyzes them with a conversation "
           "analysis tool for building ideas and using evidence.",
    comps=[("Capture conversations", "Record or transcribe pairs talking about content."),
           ("Analyze with a tool", "Use a tool that looks at building on ideas and using evidence."),
           ("Plan next steps", "Choose a language focus for the next lessons.")],
    research=[ZWIERS, ("Zwiers, J., & Crawford, M. (2011). Academic Conversations. Stenhouse.", "")],
    ask=["What does a constructive conversation sound like?"],
    show=["Submit two conversation transcripts.", "Submit your analysis of each with the tool."],
    look=[("Captured conversations", "captures authentic student conversations"),
          ("Tool-based analysis", "analyzes conversations for building ideas and evidence use"),
          ("Next steps", "identifies language next steps from the analysis")],
    reflect=["What did you learn about your English learners that other assessments miss?"],
    align=["6(a)", "2(g)"], evidence=("file", "link"), roles=EL_ROLES,
    quiz=("Partner A states an idea and partner B says 'I agree.' What is missing for a constructive conversation?",
          ["Nothing; agreement ends the task", "Building on or challenging the idea with reasons and evidence",
           "Correct pronunciation", "A written summary"], 1))

CECP = mc("Creating Effective Conversation Prompts", "el",
    competency="The educator writes conversation prompts that require students to build ideas together using academic "
             "language.",
    method="The educator writes prompts with a clear purpose, an information gap or different ideas to weigh, and language "
           "supports.",
    comps=[("Clear purpose", "State what students are building together."),
           ("Need to talk", "Design the prompt so partners need each other's ideas."),
           ("Language supports", "Provide frames and vocabulary.")],
    research=[ZWIERS, BAKER],
    ask=["Why do some prompts produce short answers rather than conversation?"],
    show=["Submit a prompt before and after revision.", "Submit transcripts showing the conversation it produced."],
    look=[("Purposeful prompt", "writes a prompt with a clear content purpose"),
          ("Requires collaboration", "designs the prompt so students must build on each other's ideas"),
          ("Language support", "provides supports that help English learners participate")],
    reflect=["How did the revised prompt change students' conversations?"],
    align=["2(g)", "8(f)"], evidence=("file", "link"), roles=EL_ROLES)

HSC = mc("Helping Students Clarify and Support their Ideas", "el",
    competency="The educator teaches students to clarify their ideas and support them with evidence during academic "
             "conversations.",
    method="The educator models clarifying and supporting moves, provides frames, and coaches pairs during conversations.",
    comps=[("Model moves", "Model asking for clarification and giving examples."),
           ("Provide frames", "Post frames such as 'Can you say more about...'."),
           ("Coach pairs", "Listen in and prompt pairs to clarify and support.")],
    research=[ZWIERS, ("Michaels, S., O'Connor, C., & Resnick, L. B. (2008). Deliberative discourse idealized and realized: "
                       "Accountable talk in the classroom and in civic life. Studies in Philosophy and Education, 27(4), 283-297.", "")],
    ask=["What is the difference between clarifying an idea and supporting it?"],
    show=["Submit a video of modeling the moves.", "Submit a transcript showing students using them."],
    look=[("Modeled moves", "models clarifying and supporting moves"),
          ("Students use moves", "shows students using the moves in conversation"),
          ("Coaching pairs", "coaches pairs during conversations")],
    reflect=["Which move was hardest for students, and why?"],
    align=["8(f)", "2(g)"], roles=EL_ROLES)

# ---------------------------------------------------------------------------------------------
# Drafts and one in review (not yet in any stack)
# ---------------------------------------------------------------------------------------------

UDL = mc("Implementing Universal Design for Learning", "data",
    competency="The educator designs lessons with multiple means of engagement, representation and action and expression "
             "so that all learners can access the goal.",
    method="The educator identifies barriers in a lesson and adds options for engagement, representation and expression "
           "while keeping the goal the same for all.",
    comps=[("Identify barriers", "Find where the lesson design blocks some learners."),
           ("Add options", "Provide options for engagement, representation and expression."),
           ("Keep the goal firm", "Keep the learning goal the same while the means vary.")],
    research=[("CAST (2018). Universal Design for Learning Guidelines version 2.2.", "https://udlguidelines.cast.org"),
              ("Meyer, A., Rose, D. H., & Gordon, D. (2014). Universal Design for Learning: Theory and Practice. CAST.", "")],
    ask=["What are the three UDL principles?"],
    show=["Submit a lesson plan before and after a UDL redesign.", "Submit student work showing different means of expression."],
    look=[("Barriers identified", "identifies design barriers in a lesson"),
          ("Options provided", "adds options for engagement, representation and expression"),
          ("Firm goal", "keeps the learning goal consistent across options")],
    reflect=["Which option did students choose most, and what did that reveal?"],
    align=["2(a)", "7(b)"], evidence=("file", "link"), state="draft", subjects=["Special education"], cost="free",
    tags=["UDL", "inclusion"])

SIOP = mc("Using the Sheltered Instruction Observation Protocol to Adapt Instruction for English Learners", "el",
    competency="The educator uses the SIOP model to plan and deliver lessons with content and language objectives and "
             "comprehensible input for English learners.",
    method="The educator writes content and language objectives, adapts materials for comprehensibility, and builds "
           "structured interaction into the lesson.",
    comps=[("Dual objectives", "Write a content objective and a language objective."),
           ("Comprehensible input", "Adapt speech, visuals and materials."),
           ("Structured interaction", "Plan peer interaction using the target language.")],
    research=[("Echevarria, J., Vogt, M., & Short, D. (2017). Making Content Comprehensible for English Learners: The SIOP Model "
               "(5th ed.). Pearson.", ""), BAKER],
    ask=["Why does a lesson for English learners need a language objective?"],
    show=["Submit a SIOP lesson plan.", "Submit a video of the lesson."],
    look=[("Content and language objectives", "states content and language objectives"),
          ("Comprehensible input", "makes input comprehensible through adapted speech and visuals"),
          ("Structured interaction", "structures peer interaction using the target language")],
    reflect=["How did English learners' participation change?"],
    align=["2(g)", "7(b)"], roles=EL_ROLES, state="in_review")

CBRD = mc("Competency Based Rubric Design", "el",
    competency="The educator designs competency-based rubrics with clear criteria and level descriptors that describe "
             "quality rather than count features.",
    method="The educator derives criteria from the competency, writes descriptors that describe qualitative differences "
           "between levels, and tests the rubric on student work.",
    comps=[("Criteria from competency", "Derive criteria from the competency being assessed."),
           ("Quality descriptors", "Describe qualitative differences between levels."),
           ("Calibrate", "Score sample work with colleagues and revise.")],
    research=[("Brookhart, S. M. (2013). How to Create and Use Rubrics for Formative Assessment and Grading. ASCD.", ""),
              ("Jonsson, A., & Svingby, G. (2007). The use of scoring rubrics: Reliability, validity and educational "
               "consequences. Educational Research Review, 2(2), 130-144.", "")],
    ask=["Why do descriptors that count features make weak rubrics?"],
    show=["Submit your rubric.", "Submit calibration notes from scoring sample work with colleagues."],
    look=[("Criteria aligned", "derives criteria from the competency"),
          ("Qualitative descriptors", "writes descriptors of quality at each level"),
          ("Calibration", "calibrates the rubric with colleagues using student work")],
    reflect=["How did calibration change your rubric?"],
    align=["6(b)"], evidence=("file", "link"), state="draft", subjects=["Assessment"], tags=["performance assessment", "rubrics"],
    educator_roles=["teacher", "teacher-leader"])

# ---------------------------------------------------------------------------------------------
# Stacks and pathways
# ---------------------------------------------------------------------------------------------


def items(*slugs, kind="mc"):
    return [{kind: s} for s in slugs]


STACKS = [
    {"slug": "early-literacy", "title": "Early Literacy", "owner": BB, "partner": "",
     "description": "Five micro-credentials on the foundations of reading and writing in the early grades: read alouds, "
                    "phonological awareness, phonics, beginning writing and text-based discussion.",
     "kind": "stack", "rule": "all_of", "required_count": None, "items": items(IRA, TPA, PHON, BWI, TBD)},
    {"slug": "classroom-management", "title": "Classroom Management", "owner": BB, "partner": "",
     "description": "Earn these three in order: set shared expectations, build routines, then redirect behavior.",
     "kind": "stack", "rule": "sequence", "required_count": None, "items": items(PSV, MLR, RSB)},
    {"slug": "data-driven-instruction", "title": "Data-Driven Instruction", "owner": BB, "partner": "",
     "description": "Use assessment evidence to plan and adjust instruction. Earn any three of the five.",
     "kind": "stack", "rule": "n_of_m", "required_count": 3, "items": items(ALO, MIF, UFA, SGD, UAC)},
    {"slug": "early-educator", "title": "Early Educator", "owner": BB, "partner": "Arkansas Department of Education",
     "description": "An illustrative subset of a stack for early-career teachers built with a state partner. It reuses the "
                    "Classroom Management micro-credentials.",
     "kind": "stack", "rule": "all_of", "required_count": None, "items": items(RSB, MLR, PSV, CRR, MIF, AKL)},
    {"slug": "effective-coaching", "title": "Effective Coaching", "owner": DP, "partner": "Various issuing organizations",
     "description": "Choose one micro-credential from each of three slots: the coaching cycle, adult learning culture, "
                    "and the coach's own stance.",
     "kind": "stack", "rule": "choice_slots", "required_count": None,
     "items": [dict(i, slot=1) for i in items(CFI, OAF, DDI_I, CC)]
              + [dict(i, slot=2) for i in items(FCL, LAPL, DFL)]
              + [dict(i, slot=3) for i in items(CGM, CWA, CSN)]},
    {"slug": "collective-leadership", "title": "Collective Leadership", "owner": DP, "partner": "Center for Teaching Quality",
     "description": "Seven micro-credentials for teacher leaders who redesign learning with their colleagues.",
     "kind": "stack", "rule": "all_of", "required_count": None, "items": items(ULS, BYT, CSP, ATU, ES, CPR, MC_)},
    {"slug": "computational-thinking-practices", "title": "Computational Thinking Practices", "owner": DP, "partner": "",
     "description": "Bring computational thinking into any subject: data, algorithms, models and systems.",
     "kind": "stack", "rule": "all_of", "required_count": None, "items": items(CSD, ACD, CA, CCM, US)},
    {"slug": "beginning-to-teach", "title": "Beginning to Teach", "owner": DP, "partner": "Educators Rising",
     "description": "For high-school and college students exploring teaching: five starter micro-credentials.",
     "kind": "stack", "rule": "all_of", "required_count": None, "items": items(CCU, LEN, FAS, COL, ABI)},
    {"slug": "supporting-english-learners-constructive-conversations",
     "title": "Supporting English Learners: Constructive Conversations", "owner": UNIV,
     "partner": "Understanding Language at Stanford Graduate School of Education",
     "description": "Develop English learners' academic language through structured, constructive conversations.",
     "kind": "stack", "rule": "all_of", "required_count": None, "items": items(CECP, HSC, AC)},
    {"slug": "teacher-leader-pathway", "title": "Teacher Leader Pathway", "owner": DP, "partner": "",
     "description": "A pathway for teachers moving into leadership: complete the Data-Driven Instruction, Effective "
                    "Coaching and Collective Leadership stacks.",
     "kind": "pathway", "rule": "all_of", "required_count": None,
     "items": items("data-driven-instruction", "effective-coaching", "collective-leadership", kind="stack")},
]


# ---------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------

if __name__ == "__main__":
    org_slugs = [o["slug"] for o in ORGANIZATIONS]
    assert len(org_slugs) == len(set(org_slugs)), "duplicate organization slugs"
    orgs = set(org_slugs)
    for o in ORGANIZATIONS:
        assert o["parent"] is None or o["parent"] in orgs, o
        assert o["kind"] in {"state_agency", "district", "school", "higher_ed", "nonprofit", "union"}, o
    usernames = [p["username"] for p in PEOPLE]
    assert len(usernames) == len(set(usernames)), "duplicate usernames"
    for p in PEOPLE:
        assert len(p["password"]) >= 10, p["username"]
        for org, role in p["memberships"]:
            assert org in orgs, (p["username"], org)
            assert role in {"earner", "coach", "assessor", "author", "issuer_admin", "recognizer_admin", "platform_admin"}, role
        if p["profile"]:
            assert p["profile"]["district"] in orgs and p["profile"]["school"] in orgs, p["username"]
    mc_slugs = [m["slug"] for m in MICRO_CREDENTIALS]
    titles = [m["title"] for m in MICRO_CREDENTIALS]
    assert len(mc_slugs) == len(set(mc_slugs)), "duplicate MC slugs"
    assert len(titles) == len(set(titles)), "duplicate MC titles"
    for m in MICRO_CREDENTIALS:
        assert m["owner"] in orgs and m["owner"] in {BB, DP, UNIV}, m["slug"]
        assert any(r["role"] == "issuer" for r in m["organizations"]), f"{m['slug']} has no issuer"
        assert any(r["organization"] == m["owner"] and r["role"] == "issuer" for r in m["organizations"]), m["slug"]
        assert all(r["organization"] in orgs for r in m["organizations"]), m["slug"]
        assert all(s in orgs for s in m["visible_to"]), m["slug"]
        assert len(m["parts"]) == 3, m["slug"]
        assert len(m["title"]) <= 200 and m["slug"] == slugify(m["title"]), m["slug"]
        assert m["demo_state"] in {"published", "draft", "in_review"}
        for part in m["parts"]:
            r = part["rubric"]
            assert 2 <= len(r["criteria"]) <= 3, m["slug"]
            for cr in r["criteria"]:
                assert len(cr["descriptors"]) == len(r["levels"]), (m["slug"], cr["title"])
    states = [m["demo_state"] for m in MICRO_CREDENTIALS]
    assert states.count("draft") == 2 and states.count("in_review") == 1, states
    stack_slugs = [s["slug"] for s in STACKS]
    assert len(stack_slugs) == len(set(stack_slugs)), "duplicate stack slugs"
    published = {m["slug"] for m in MICRO_CREDENTIALS if m["demo_state"] == "published"}
    for s in STACKS:
        assert s["owner"] in orgs, s["slug"]
        for it in s["items"]:
            if "mc" in it:
                assert it["mc"] in published, (s["slug"], it)
            else:
                assert it["stack"] in stack_slugs and it["stack"] != s["slug"], (s["slug"], it)
            if s["rule"] == "choice_slots":
                assert isinstance(it.get("slot"), int), (s["slug"], it)
        if s["rule"] == "n_of_m":
            assert s["required_count"] and s["required_count"] <= len(s["items"]), s["slug"]
    print(f"OK: {len(ORGANIZATIONS)} organizations, {len(PEOPLE)} people, {len(MICRO_CREDENTIALS)} micro-credentials, "
          f"{len(STACKS)} stacks")
