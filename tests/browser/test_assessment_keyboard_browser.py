"""Issue 15: an assessor scores with the keyboard alone — Tab, Shift+Tab, Enter, Space, arrow keys and typing, never a
mouse click — from signing in to submitting the scores, at desktop (1280 px) and phone (390 px) width. Every control
that takes focus on the way shows a visible focus indicator, and axe-core finds nothing serious."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_assessment_browser import submitted_work  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "The exit ticket shows every student's answer; the reteach decision is clear."
FEEDBACK = "Clear checkpoints. Next time, show the decision rule you set before the lesson."

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: e.tagName.toLowerCase(), type: (e.type || '').toLowerCase(), name: e.name || '', id: e.id || '',
          text: (e.innerText || e.value || '').trim().slice(0, 80), checked: !!e.checked,
          indicator: outline || shadow, visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)};
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def assert_focus_shown(page) -> dict:
    f = focused(page)
    assert f is not None, "focus was lost to the page body"
    assert f["visible"], f"the focused control is not visible: {f}"
    assert f["indicator"], f"no visible focus indicator (outline or box-shadow) on {f}"
    return f


def tab_to(page, wanted, *, limit=150, back=False) -> dict:
    """Press Tab (Shift+Tab when ``back``) until the focused element satisfies ``wanted``; each stop on the way must
    show where focus is."""
    current = focused(page)
    if current is not None and wanted(current):  # already there (e.g. a field with autofocus)
        return assert_focus_shown(page)
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focused(page) is None:  # past the last control focus leaves the page; the next Tab comes back to the top
            continue
        f = assert_focus_shown(page)
        if wanted(f):
            return f
    raise AssertionError(f"never reached the wanted control by {'Shift+Tab' if back else 'Tab'}; last: {focused(page)}")


def open_main_menu_by_keyboard(page) -> None:
    """On a phone the main menu is folded behind its "Menu" button: reach it and open it with Enter."""
    toggle = page.locator("nav .nav-toggle")
    if toggle.count() and toggle.is_visible():
        tab_to(page, lambda f: f["tag"] == "button" and "nav-toggle" in (page.evaluate("document.activeElement.className")))
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_assessor_scores_an_item_with_the_keyboard_alone(page, world, submitted_work, width):  # noqa: F811
    from microcred.assessment.models import Assignment, Score

    page.set_viewport_size({"width": width, "height": 900})
    assessor = submitted_work["assessor"]

    # Sign in: Tab to the username, type, Tab to the password, type, Enter.
    page.goto("/accounts/login/")
    tab_to(page, lambda f: f["name"] == "username")
    page.keyboard.type(assessor.username)
    page.keyboard.press("Tab")
    assert assert_focus_shown(page)["name"] == "password"
    page.keyboard.type("a-long-password-1")
    page.keyboard.press("Enter")
    expect(page.locator("nav button", has_text="Log out")).to_have_count(1)  # signed in (folded away on a phone)

    # The queue, through the main menu.
    open_main_menu_by_keyboard(page)
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Assess")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My assessment queue")).to_be_visible()
    assert_accessible(page, f"the assessment queue at {width} px")

    # Claim the next item.
    tab_to(page, lambda f: f["id"] == "score-next")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(submitted_work["mc"].current_version.title)
    assert_accessible(page, f"the scoring page at {width} px")

    # Every criterion: Tab into its radio group, choose a level with the arrow keys (the top one) or Space; comment
    # on the first criterion and give feedback on the first part; then Tab on, until the submit button.
    groups = page.evaluate("""() => [...new Set([...document.querySelectorAll('#score-form input[type=radio]')]
                                        .map(r => r.name))]""")
    assert groups, "the scoring page has no rubric"
    chosen, commented, gave_feedback = set(), False, False
    for _ in range(400):
        page.keyboard.press("Tab")
        f = assert_focus_shown(page)
        if f["type"] == "radio":
            size = page.locator(f"input[type=radio][name='{f['name']}']").count()
            if f["checked"]:
                page.keyboard.press("ArrowLeft")  # arrows move the choice within the group …
                page.keyboard.press("ArrowRight")
            elif size > 1:
                for _ in range(size - 1):
                    page.keyboard.press("ArrowRight")
            else:
                page.keyboard.press("Space")  # … and Space chooses the focused level
            assert assert_focus_shown(page)["checked"], f"no level chosen in {f['name']}"
            chosen.add(f["name"])
        elif f["tag"] == "textarea" and f["name"].startswith("comment-") and not commented:
            page.keyboard.type(COMMENT)
            commented = True
        elif f["tag"] == "textarea" and f["name"].startswith("feedback-") and not gave_feedback:
            page.keyboard.type(FEEDBACK)
            gave_feedback = True
        elif f["id"] == "submit-scores":
            break
    else:
        raise AssertionError("never reached the Submit scores button")
    assert chosen == set(groups) and commented and gave_feedback

    # Shift+Tab goes back into the form (focus stays visible), then Tab returns to the button; Enter submits.
    back = tab_to(page, lambda f: f["tag"] == "textarea", back=True)
    assert back["name"].startswith("feedback-")
    tab_to(page, lambda f: f["id"] == "submit-scores")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Scores saved")).to_be_visible()
    expect(page.get_by_role("heading", name="My assessment queue")).to_be_visible()

    assignment = Assignment.objects.get(review__submission=submitted_work["submission"], assessor=assessor)
    assert assignment.state == Assignment.State.SCORED
    scores = Score.objects.filter(assignment=assignment)
    assert scores.count() == len(groups)
    assert scores.filter(comment=COMMENT).count() == 1
    assert assignment.part_notes.filter(feedback=FEEDBACK).exists()
