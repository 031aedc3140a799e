"""The main navigation as a person uses it: on a phone the menu is folded behind its "Menu" button."""


def open_menu(page):
    """Unfold the main menu if it is folded (small screens); a no-op where every entry is already shown."""
    toggle = page.get_by_role("navigation", name="Main").get_by_role("button", name="Menu")
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def nav_link(page, name, **kw):
    """A link of the main navigation, unfolding the menu first where needed."""
    open_menu(page)
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, **kw)


def log_out(page):
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
