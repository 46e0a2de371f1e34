"""Key pages, as the users who see them, checked in chromium for the basics of
accessibility: every visible form control has an accessible name from a label
(or aria-label / aria-labelledby), the page has one h1 and a lang attribute, and
the skip link is the first thing the keyboard reaches and leads to the content."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.browser

# For each visible input, select and textarea: how it would be announced, or why not.
UNLABELLED_CONTROLS = """
() => {
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden";
  };
  const text = (el) => (el ? el.textContent.replace(/\\s+/g, " ").trim() : "");
  const name = (el) => {
    if ((el.getAttribute("aria-label") || "").trim()) return el.getAttribute("aria-label").trim();
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const byIds = ids.map((id) => text(document.getElementById(id))).join(" ").trim();
    if (byIds) return byIds;
    return Array.from(el.labels || []).map(text).join(" ").trim();
  };
  const controls = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]),"
      + " select, textarea"
  );
  return Array.from(controls)
    .filter(visible)
    .filter((el) => !name(el))
    .map((el) => el.outerHTML.slice(0, 160));
}
"""


def log_in(page, user):
    """Give the page's browser context the session of `user`."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def open_filters(page):
    """The search filters sit in a closed <details>: open it so they are checked too."""
    for summary in page.locator("details > summary").all():
        if summary.is_visible():
            summary.click()


def check_page(page, path, shot=None, name=None):
    page.goto(page.base_url + path)
    open_filters(page)
    assert page.locator("h1").count() == 1, f"{path}: expected exactly one h1"
    assert page.locator("html").get_attribute("lang") in ("es", "en"), path
    controls = page.locator("input:visible, select:visible, textarea:visible").count()
    unlabelled = page.evaluate(UNLABELLED_CONTROLS)
    assert unlabelled == [], f"{path}: form controls without an accessible name: {unlabelled}"
    if shot:
        shot(page, name)
    return controls


def check_skip_link(page, path):
    page.goto(page.base_url + path)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"cls": "skip-link", "href": "#main"}, f"{path}: Tab reached {focused}"
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"{path}: skip link off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.querySelector('main').id") == "main"


ANONYMOUS_PAGES = ["home", "account_login", "account_signup", "account_reset_password"]


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_public_pages_label_every_control_and_have_one_h1(transactional_db, page, url_name):
    check_page(page, reverse(url_name))


def test_signup_form_controls_all_have_labels(transactional_db, page, shot):
    controls = check_page(page, reverse("account_signup"), shot, "signup")
    assert controls >= 7  # email, name, two passwords, two roles, privacy notice


def test_scientist_pages_label_every_control(transactional_db, page):
    roles = factories.RoleSet.build()
    log_in(page, roles.scientist)
    assert check_page(page, reverse("profiles:my_profile")) > 50  # the whole profile form
    check_page(page, reverse("profiles:project_list"))
    check_page(page, reverse("accounts:account"))
    assert check_page(page, reverse("accounts:delete")) == 1


def test_new_scientist_profile_form_labels_every_control(transactional_db, page):
    user = factories.UserFactory()
    log_in(page, user)
    assert check_page(page, reverse("profiles:my_profile")) > 50


def test_member_pages_label_every_control(transactional_db, page):
    roles = factories.RoleSet.build()
    log_in(page, roles.member)
    assert check_page(page, reverse("profiles:project_create")) > 20
    check_page(page, reverse("profiles:project_edit", args=[roles.project.pk]))
    check_page(page, reverse("profiles:project_detail", args=[roles.project.pk]))
    assert check_page(page, reverse("profiles:scientist_list")) > 3  # the filters
    check_page(page, reverse("profiles:my_institution"))
    check_page(page, reverse("profiles:institution_register"))


def test_coordinator_approvals_page_has_one_h1(transactional_db, page):
    roles = factories.RoleSet.build()
    factories.InstitutionFactory(approved=False)
    log_in(page, roles.coordinator)
    check_page(page, reverse("profiles:approvals"))


@pytest.mark.parametrize("url_name", ["home", "account_login", "account_signup"])
def test_skip_link_is_the_first_tab_stop_and_leads_to_the_content(transactional_db, page, url_name):
    check_skip_link(page, reverse(url_name))


def test_skip_link_works_for_a_logged_in_member(transactional_db, page, shot):
    roles = factories.RoleSet.build()
    log_in(page, roles.member)
    check_skip_link(page, reverse("profiles:project_list"))
    page.reload()
    page.keyboard.press("Tab")
    shot(page, "skip-link-focused")


def test_skip_link_works_on_a_phone(transactional_db, phone_page):
    check_skip_link(phone_page, reverse("home"))


def test_profile_form_errors_are_tied_to_their_fields(transactional_db, page, shot):
    log_in(page, factories.UserFactory())
    page.goto(page.base_url + reverse("profiles:my_profile"))
    page.fill("#id_name", "")
    page.fill("#id_hours_per_month", "999")
    page.click("main form[method=post] [type=submit]")
    page.wait_for_selector("[role=alert]")
    invalid = page.evaluate(
        """() => Array.from(document.querySelectorAll("main [aria-invalid=true]")).map((el) => ({
          name: el.name,
          // Choices in a group are described through their <fieldset> (Django's way).
          described: [el, el.closest("fieldset")]
            .map((node) => (node && node.getAttribute("aria-describedby")) || "")
            .flatMap((ids) => ids.split(/\\s+/))
            .map((id) => document.getElementById(id))
            .filter((ref) => ref && ref.classList.contains("errorlist"))
            .map((ref) => ref.textContent.trim()),
        }))"""
    )
    names = {field["name"] for field in invalid}
    assert {"name", "hours_per_month", "country", "summary"} <= names
    assert all(field["described"] and field["described"][0] for field in invalid), invalid
    assert page.locator("h1").count() == 1
    shot(page, "profile-errors")
