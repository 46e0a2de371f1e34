"""A scientist signs up, verifies their email and creates their profile; an
institution member logs in and creates, opens and finds a project. Everything
goes through the real pages in chromium; selectors use names, ids and URLs, not
text, so the walks work in Spanish (the browser's locale) and English."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from profiles.models import Project, ScientistProfile
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "Una-clave-larga-2026"


def confirmation_path(message):
    """The path of the verification link in allauth's email (whatever host it names)."""
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def check_all(page, name, values):
    for value in values:
        page.check(f"input[name={name}][value='{value}']")


def test_scientist_signs_up_verifies_email_and_creates_profile(
    transactional_db, page, live_server, shot
):
    base = live_server.url
    page.goto(base + reverse("account_signup"))
    page.fill("#id_email", "lucia.mendez@uni.example.edu")
    page.fill("#id_full_name", "Lucía Méndez Ríos")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.check(f"input[name=role][value={User.Role.SCIENTIST}]")
    page.check("#id_accept_privacy")
    shot(page, "1-signup-filled")
    page.click("form:has(#id_email) [type=submit]")
    page.wait_for_url(f"**{reverse('account_email_verification_sent')}")
    shot(page, "2-verification-sent")

    user = User.objects.get(email="lucia.mendez@uni.example.edu")
    assert user.role == User.Role.SCIENTIST
    assert user.privacy_accepted_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lucia.mendez@uni.example.edu"]

    # The link in the email asks to confirm (no change on GET); confirming logs in.
    page.goto(base + confirmation_path(mail.outbox[0]))
    shot(page, "3-confirm-email")
    assert not user.emailaddress_set.get().verified
    page.click("main form[method=post] [type=submit]")
    page.wait_for_load_state()
    assert user.emailaddress_set.get().verified
    page.goto(base + reverse("profiles:my_profile"))
    assert page.url == base + reverse("profiles:my_profile")  # logged in: no login redirect
    assert page.locator(f"a[href='{reverse('account_logout')}']").count() == 1

    # The profile form comes filled with the name and email from sign-up.
    assert page.input_value("#id_name") == "Lucía Méndez Ríos"
    assert page.input_value("#id_email") == "lucia.mendez@uni.example.edu"
    page.select_option("#id_country", "CA")
    page.fill("#id_city", "Montreal")
    page.fill("#id_institution_abroad", "McGill University")
    page.select_option("#id_position", "faculty")
    check_all(page, "sectors", ["academia", "ngo"])
    check_all(page, "fields", ["public_health", "nutrition"])
    page.fill("#id_keywords", "epidemiología, diabetes, salud rural")
    page.fill(
        "#id_summary",
        "Epidemióloga; estudio la diabetes tipo 2 en comunidades rurales y su prevención.",
    )
    check_all(page, "goals", ["policy", "student_training"])
    check_all(page, "collaboration_types", ["ngo_project", "mentoring"])
    page.fill("#id_available_from", "2027-03-01")
    page.fill("#id_horizon_months", "18")
    page.fill("#id_hours_per_month", "12")
    check_all(page, "languages", ["es", "en", "fr"])
    page.fill("#id_alma_maters", "UNAM, INSP")
    check_all(page, "states_of_interest", ["MX-OAX", "MX-CHP"])
    page.fill("#id_abroad_since", "2014")
    page.check("input[name=collaborated_before][value=yes]")
    shot(page, "4-profile-filled")
    page.click("main form[method=post] [type=submit]")
    page.wait_for_selector(".message-success")
    shot(page, "5-profile-saved")

    profile = ScientistProfile.objects.get(user=user)
    assert profile.country == "CA"
    assert profile.position == "faculty"
    assert profile.fields == ["public_health", "nutrition"]
    assert profile.areas == ["medicine_health"]
    assert profile.keywords == ["epidemiología", "diabetes", "salud rural"]
    assert set(profile.goals) == {"policy", "student_training"}
    assert set(profile.languages) == {"es", "en", "fr"}
    assert profile.alma_maters == ["UNAM", "INSP"]
    assert set(profile.states_of_interest) == {"MX-OAX", "MX-CHP"}
    assert str(profile.available_from) == "2027-03-01"
    assert (profile.horizon_months, profile.hours_per_month, profile.abroad_since) == (18, 12, 2014)
    assert profile.collaborated_before is True

    # Reloading shows what was saved, now as "my profile" with a public view link.
    page.reload()
    assert page.input_value("#id_city") == "Montreal"
    assert page.input_value("#id_keywords") == "epidemiología, diabetes, salud rural"
    assert page.is_checked("input[name=fields][value=nutrition]")
    assert page.locator(f"a[href='{profile.get_absolute_url()}']").count() == 1


def test_institution_member_logs_in_creates_opens_and_finds_a_project(
    transactional_db, page, phone_page, live_server, shot
):
    base = live_server.url
    membership = factories.MembershipFactory(
        user__email="rosa.garza@cinvestav.example.mx",
        user__full_name="Rosa Garza",
        institution__name="Centro de Investigación en Agua",
        institution__state="MX-NLE",
        institution__city="Monterrey",
    )

    page.goto(base + reverse("profiles:project_create"))
    page.wait_for_url(re.compile(re.escape(reverse("account_login")) + r"\?next="))
    page.fill("#id_login", "rosa.garza@cinvestav.example.mx")
    page.fill("#id_password", factories.PASSWORD)
    shot(page, "1-login")
    page.click("form:has(#id_login) [type=submit]")
    page.wait_for_url(f"**{reverse('profiles:project_create')}")
    shot(page, "2-project-form-empty")

    page.fill("#id_title", "Calidad del agua subterránea en Monterrey")
    page.fill(
        "#id_description",
        "Monitoreo de acuíferos urbanos con sensores de bajo costo y modelos de transporte.",
    )
    check_all(page, "fields", ["earth_sciences", "engineering_technology"])
    page.fill("#id_keywords", "hidrogeología, sensores, calidad del agua")
    check_all(page, "goals", ["publications", "technology_transfer"])
    page.select_option("#id_collaboration_type", "academic_project")
    page.select_option("#id_funding", "partial")
    page.fill("#id_seats", "3")
    page.fill("#id_starts_on", "2027-01-15")
    page.fill("#id_duration_months", "24")
    page.fill("#id_first_results_months", "6")
    page.fill("#id_hours_per_month", "10")
    check_all(page, "languages", ["es", "en"])
    shot(page, "3-project-form-filled")
    page.click("main form[method=post] [type=submit]")

    page.wait_for_url(re.compile(r".*/projects/\d+/$"))
    project = Project.objects.get(title="Calidad del agua subterránea en Monterrey")
    assert project.institution == membership.institution
    assert project.created_by == membership.user
    assert project.status == "draft"
    assert project.first_results_months == 6
    assert page.url == base + project.get_absolute_url()
    shot(page, "4-project-draft")

    # Open it to collaborators; it then appears on the list of open projects.
    page.click("button[name=status][value=open]")
    page.wait_for_selector("button[name=status][value=closed]")
    project.refresh_from_db()
    assert project.status == "open"
    shot(page, "5-project-open")
    page.goto(base + reverse("profiles:project_list"))
    link = page.locator(f"main a[href='{project.get_absolute_url()}']")
    assert link.count() == 1
    shot(page, "6-project-list")
    link.click()
    page.wait_for_url(f"**{project.get_absolute_url()}")
    assert page.locator("h1").inner_text() == project.title

    # The same list on a phone: no sideways scrolling.
    cookies = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    phone_page.context.add_cookies(cookies)
    phone_page.goto(base + reverse("profiles:project_list"))
    assert phone_page.locator(f"main a[href='{project.get_absolute_url()}']").count() == 1
    assert phone_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    shot(phone_page, "7-project-list-phone")


def test_scientist_downloads_their_data_and_deletes_their_account(
    transactional_db, page, live_server, shot
):
    base = live_server.url
    profile = factories.ScientistProfileFactory(user__email="tomas.ruiz@lab.example.org")
    page.goto(base + reverse("account_login"))
    page.fill("#id_login", "tomas.ruiz@lab.example.org")
    page.fill("#id_password", factories.PASSWORD)
    page.click("form:has(#id_login) [type=submit]")
    page.wait_for_url(f"{base}/")

    # From the profile page to "My account".
    page.goto(base + reverse("profiles:my_profile"))
    page.click(f"main a[href='{reverse('accounts:account')}']")
    page.wait_for_url(f"**{reverse('accounts:account')}")
    shot(page, "1-my-account")

    with page.expect_download() as download_info:
        page.click(f"main a[href='{reverse('accounts:export')}']")
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    with open(download.path(), encoding="utf-8") as exported:
        data = json.load(exported)
    assert data["account"]["email"] == "tomas.ruiz@lab.example.org"
    assert data["scientist_profile"]["ref"] == profile.ref

    page.click(f"main a[href='{reverse('accounts:delete')}']")
    page.wait_for_url(f"**{reverse('accounts:delete')}")
    page.fill("#id_password", "not-my-password")
    page.click("main form[method=post] [type=submit]")
    page.wait_for_selector("#id_password_error")
    shot(page, "2-wrong-password")
    assert User.objects.filter(email="tomas.ruiz@lab.example.org").exists()

    page.fill("#id_password", factories.PASSWORD)
    page.click("main form[method=post] [type=submit]")
    page.wait_for_url(f"{base}/")
    page.wait_for_selector(".message-success")
    shot(page, "3-deleted")
    assert not User.objects.filter(email="tomas.ruiz@lab.example.org").exists()
    assert not ScientistProfile.objects.filter(pk=profile.pk).exists()
    assert page.locator(f"a[href='{reverse('account_login')}']").count() >= 1
