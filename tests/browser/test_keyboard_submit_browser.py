"""Issue 15, "keyboard-only walk of submit": a teacher who uses no mouse logs in, opens an attempt from My MCs, writes a
response, confirms privacy and submits it — with Tab, Shift+Tab, Enter, Space and typing only — at desktop and phone
widths. Every control the walk lands on shows a visible focus indicator, and axe finds no serious problem."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "At three planned checkpoints I asked a hinge question; eleven students chose B, so I regrouped them."

# The focused element's own indicator: an outline, a box shadow or a border that differs from its unfocused look.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {tag: el.tagName, name: el.getAttribute('name') || el.id || (el.textContent || '').trim().slice(0, 40),
          outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1,
          shadow: cs.boxShadow && cs.boxShadow !== 'none', visible: r.width > 0 && r.height > 0};
}"""


@pytest.fixture
def written_mc(world, publish_mc):
    from microcred.catalog.tests.factories import make_rubric

    return publish_mc(title="Wait time that gets every student thinking", parts=[{
        "title": "Your practice", "overview": "Describe one lesson.", "demonstrates": "apply", "evidence_types": ["written"],
        "prompts": [{"text": "How did you use wait time, and what did students do?", "response_type": "written",
                     "guidance": "", "choices": [], "correct_choice": None}],
        "rubric": make_rubric()}])


def assert_focus_visible(page):
    style = page.evaluate(FOCUS_STYLE)
    assert style is not None, "focus was lost to the page body"
    assert style["visible"] and (style["outline"] or style["shadow"]), f"no visible focus indicator on {style}"
    return style


def press_until(page, selector, *, key="Tab", limit=120):
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has focus; every stop shows its focus."""
    if page.evaluate("s => document.activeElement.matches(s)", selector):  # already there (e.g. autofocus)
        assert_focus_visible(page)
        return
    for _ in range(limit):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with {key}")


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_teacher_submits_a_written_response_with_the_keyboard_only(page, world, written_mc, width, height):
    from microcred.earning import services
    from microcred.earning.models import Attempt

    page.set_viewport_size({"width": width, "height": height})
    earner = world["people"]["earner"]
    attempt = services.start_attempt(earner=earner, micro_credential=written_mc.micro_credential)

    page.goto("/accounts/login/?next=/earn/")
    press_until(page, "input[name=username]")
    page.keyboard.type(earner.username)
    press_until(page, "input[name=password]")
    page.keyboard.type("pw-earner-123")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My micro-credentials")
    assert_accessible_here(page, "My MCs")

    press_until(page, f"a[href='/earn/attempts/{attempt.pk}/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wait time that gets every student thinking")

    press_until(page, "textarea[name=text]")
    page.keyboard.type(ANSWER)
    page.keyboard.press("Tab")  # leaving the box saves it (and the autosave already has)
    expect(page.locator(".prompt .status")).to_have_text("Saved")
    expect(page.locator(".part .state")).to_have_text("Complete")

    press_until(page, "#privacy")
    page.keyboard.press("Space")
    expect(page.locator("#privacy")).to_be_checked()
    press_until(page, "#submit-button")
    page.keyboard.press("Shift+Tab")  # back one stop, to the note for the assessor, and forward again
    assert_focus_visible(page)
    assert page.evaluate("document.activeElement.name") == "note_to_assessor"
    page.keyboard.type("My first submission.")
    press_until(page, "#submit-button")
    assert_accessible_here(page, "attempt page before submitting")
    page.keyboard.press("Enter")

    expect(page.locator("#attempt-state")).to_have_text("Submitted")
    expect(page.get_by_text("Submitted. Your evidence is locked")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text(ANSWER)
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.SUBMITTED
    assert_accessible_here(page, "attempt page after submitting")


def assert_accessible_here(page, context):
    from tests.browser.axe import assert_accessible

    assert_accessible(page, context)
