"""The frame every page shares (templates/base.html): accessible at phone and desk widths,
bilingual, keyboard-friendly and within its Content Security Policy."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

WIDTHS = [390, 1280]


def _at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


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
