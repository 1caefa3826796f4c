"""The frame every page shares (templates/base.html): accessible at phone and desk widths,
bilingual, keyboard-friendly and within its Content Security Policy."""

from __future__ import annotations

import pytest

from notifications.models import Notification

pytestmark = pytest.mark.e2e

WIDTHS = [390, 1280]

# Every control a person can see in the header, with its box (the menu's folded items are not
# rendered, so checkVisibility leaves them out).
HEADER_CONTROLS_JS = """() => [...document.querySelectorAll(
    '.site-header a, .site-header button, .site-header select, .site-header summary')]
  .filter(e => e.checkVisibility({visibilityProperty: true}))
  .map(e => { const r = e.getBoundingClientRect();
    return {name: (e.id || e.textContent).trim(), left: r.left, top: r.top, right: r.right,
            bottom: r.bottom}; })"""
SIDEWAYS_OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


def _at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


def _overlapping_header_controls(page) -> list[tuple[str, str]]:
    boxes = page.evaluate(HEADER_CONTROLS_JS)
    assert boxes, "no visible control in the header"
    return [
        (a["name"], b["name"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


def _visible_main_sections(page):
    return page.locator(".site-nav li:visible")


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_in_page_passes_axe(page, live_url, axe_check, width):
    _at_width(page, width)
    page.goto(f"{live_url}/accounts/login/")

    axe_check(page, f"sign-in page at {width}px")


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_home_page_passes_axe(page, live_url, sign_in, axe_check, learner, width):
    _at_width(page, width)
    sign_in(page, learner)
    page.goto(f"{live_url}/")

    axe_check(page, f"learner home at {width}px")


def test_page_does_not_scroll_sideways_at_360px(page, live_url, sign_in, learner):
    _at_width(page, 360)
    sign_in(page, learner)
    page.goto(f"{live_url}/")

    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_language_menu_switches_the_page_to_french(page, live_url):
    page.goto(f"{live_url}/accounts/login/")

    with page.expect_navigation():
        page.locator("#language-select").select_option("fr")

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".skip-link").inner_text() == "Aller au contenu principal"


def test_language_menu_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#language-select").select_option("fr")

        page.locator(".language-form button[type=submit]").click()

        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "fr"
    finally:
        context.close()


def test_signed_in_learner_sees_french_after_switching(page, live_url, sign_in, learner):
    sign_in(page, learner)

    with page.expect_navigation():
        page.locator("#language-select").select_option("fr")

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("button", name="Se déconnecter").is_visible()


def test_skip_link_is_first_and_moves_focus_to_main(page, live_url, sign_in, learner):
    sign_in(page, learner)
    page.goto(f"{live_url}/")

    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    box = page.locator(".skip-link").bounding_box()
    page.keyboard.press("Enter")

    assert focused == "skip-link"
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_main_navigation_is_a_labelled_landmark(page, live_url, sign_in, learner):
    sign_in(page, learner)
    page.goto(f"{live_url}/")

    nav = page.get_by_role("navigation", name="Main")

    assert nav.get_by_role("link", name="Home").get_attribute("aria-current") == "page"
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1


def test_pages_log_no_console_errors(page, live_url, sign_in, learner, console_errors):
    page.goto(f"{live_url}/accounts/login/")
    sign_in(page, learner)
    page.goto(f"{live_url}/")

    assert console_errors == []


def test_trainer_signs_in_with_a_code_and_sees_the_home_page(page, live_url, sign_in, trainer):
    sign_in(page, trainer)
    page.goto(f"{live_url}/")

    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("navigation", name="Main").is_visible()


def test_narrow_screen_folds_the_menu_and_opens_it_on_demand(page, live_url, sign_in, learner):
    _at_width(page, 390)
    sign_in(page, learner)
    page.goto(f"{live_url}/")
    nav = page.get_by_role("navigation", name="Main")
    home = nav.get_by_role("link", name="Home")

    folded = home.is_visible()
    nav.locator("summary").click()

    assert folded is False
    assert home.is_visible()
    assert nav.get_by_role("button", name="Sign out").is_visible()
    assert page.locator(".inbox-link").is_visible()


@pytest.mark.parametrize("role", ["supervisor", "agency_admin", "platform_admin"])
def test_main_sections_fit_one_row_under_the_account_links_at_1280px(
    page, live_url, sign_in, request, role
):
    user = request.getfixturevalue(role)
    user.is_staff = role == "platform_admin"  # one more section: Administration
    user.save(update_fields=["is_staff"])
    sign_in(page, user)
    page.goto(f"{live_url}/")

    sections = _visible_main_sections(page)
    first, last = sections.first.bounding_box(), sections.last.bounding_box()
    inbox = page.locator(".inbox-link").bounding_box()

    assert sections.count() >= 7
    assert first is not None and last is not None and inbox is not None
    assert abs(last["y"] - first["y"]) < 1, f"{last} wrapped below {first}"
    assert inbox["y"] + inbox["height"] <= first["y"]  # the account links are the row above
    assert _overlapping_header_controls(page) == []


@pytest.mark.parametrize(
    ("role", "last_section"),
    [("supervisor", "Rapports de formation"), ("agency_admin", "Personnes")],
)
def test_menu_stays_one_row_in_french_at_1280px(
    page, live_url, sign_in, request, role, last_section
):
    person = request.getfixturevalue(role)
    person.preferred_language = "fr"
    person.save(update_fields=["preferred_language"])
    sign_in(page, person)
    page.goto(f"{live_url}/")

    sections = _visible_main_sections(page)
    first, last = sections.first.bounding_box(), sections.last.bounding_box()

    assert page.locator("html").get_attribute("lang") == "fr"
    assert sections.last.inner_text() == last_section
    assert first is not None and last is not None and abs(last["y"] - first["y"]) < 1


@pytest.mark.parametrize("role", ["agency_admin", "platform_admin"])
def test_header_controls_do_not_overlap_at_1024px(page, live_url, sign_in, request, role):
    _at_width(page, 1024)
    sign_in(page, request.getfixturevalue(role))
    page.goto(f"{live_url}/")

    assert _overlapping_header_controls(page) == []
    assert page.evaluate(SIDEWAYS_OVERFLOW_JS) <= 0


def test_supervisor_header_fits_390px_folded_and_open(page, live_url, sign_in, supervisor):
    _at_width(page, 390)
    sign_in(page, supervisor)
    page.goto(f"{live_url}/")
    nav = page.get_by_role("navigation", name="Main")

    folded = (page.evaluate(SIDEWAYS_OVERFLOW_JS), _overlapping_header_controls(page))
    nav.locator("summary").click()
    nav.get_by_role("link", name="Training reports").wait_for()

    assert folded == (0, [])
    assert page.evaluate(SIDEWAYS_OVERFLOW_JS) <= 0
    assert _overlapping_header_controls(page) == []


def test_account_links_are_a_landmark_announcing_unread_messages(page, live_url, sign_in, learner):
    Notification.objects.create(user=learner, kind="general", title="Refresher due soon")
    sign_in(page, learner)
    page.goto(f"{live_url}/inbox/")
    account = page.get_by_role("navigation", name="Your account")

    inbox = account.get_by_role("link", name="Inbox 1 unread", exact=True)

    assert inbox.get_attribute("aria-current") == "page"
    assert account.get_by_role("button", name="Sign out").is_visible()


def test_focus_goes_through_the_header_in_reading_order_at_1280px(page, live_url, sign_in, learner):
    sign_in(page, learner)
    page.goto(f"{live_url}/")

    order = []
    for _ in range(7):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || e.classList[0] || e.textContent.trim(); }"
            )
        )

    assert order == [
        "skip-link",
        "brand",
        "language-select",
        "inbox-link",
        "profile-link",
        "link-button",  # sign out
        "Home",
    ]


def test_sections_show_when_a_narrow_window_is_widened(page, live_url, sign_in, learner):
    _at_width(page, 390)
    sign_in(page, learner)
    page.goto(f"{live_url}/")  # the script folds the menu for a narrow window
    _at_width(page, 1280)

    home = page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")

    assert home.is_visible()
