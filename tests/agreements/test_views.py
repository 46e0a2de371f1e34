import datetime
import re

import pytest
from django.urls import reverse

from agreements.models import Agreement, Stage
from tests import factories

from .conftest import TODAY, make_agreement

OUTSIDERS = ["other_scientist", "other_member"]
INSIDERS = ["scientist", "member", "coordinator"]


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def active(roles):
    agreement = make_agreement(roles, Stage.ACTIVE)
    factories.MilestoneFactory(agreement=agreement, title="Primer borrador", due_on=TODAY)
    return agreement


# --- list and detail --------------------------------------------------------


def test_list_and_detail_need_login(client, active):
    for url in (reverse("agreements:list"), reverse("agreements:detail", args=[active.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", INSIDERS)
def test_parties_and_coordinators_see_the_agreement(client, roles, active, who):
    login(client, getattr(roles, who))
    response = client.get(reverse("agreements:detail", args=[active.pk]))
    assert response.status_code == 200
    assert "Primer borrador" in response.text
    assert roles.profile.name in response.text
    listing = client.get(reverse("agreements:list"))
    assert reverse("agreements:detail", args=[active.pk]) in listing.text


def test_another_member_of_the_institution_sees_it(client, roles, active):
    colleague = factories.MembershipFactory(institution=roles.institution).user
    login(client, colleague)
    assert client.get(reverse("agreements:detail", args=[active.pk])).status_code == 200


def test_pending_member_does_not_see_it(client, roles, active):
    pending = factories.MembershipFactory(institution=roles.institution, status="pending").user
    login(client, pending)
    assert client.get(reverse("agreements:detail", args=[active.pk])).status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_and_an_empty_list(client, roles, active, who):
    login(client, getattr(roles, who))
    assert client.get(reverse("agreements:detail", args=[active.pk])).status_code == 404
    listing = client.get(reverse("agreements:list"))
    assert listing.status_code == 200
    assert reverse("agreements:detail", args=[active.pk]) not in listing.text


def test_list_filters_by_stage(client, roles, active):
    login(client, roles.coordinator)
    assert active.project.title in client.get(reverse("agreements:list") + "?stage=active").text
    assert (
        active.project.title not in client.get(reverse("agreements:list") + "?stage=stalled").text
    )


# --- propose ----------------------------------------------------------------


def _proposal(**extra):
    data = {
        "goals": ["publications", "student_training"],
        "goals_text": "Un artículo.",
        "hours_per_month": "6",
        "started_on": "2027-01-10",
        "milestones-TOTAL_FORMS": "3",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "20",
        "milestones-0-title": "Datos",
        "milestones-0-due_on": "2027-02-01",
        "milestones-1-title": "Borrador",
        "milestones-1-due_on": "2027-04-01",
    }
    data.update(extra)
    return data


def test_propose_needs_login(client, introduction):
    url = reverse("agreements:propose", args=[introduction.pk])
    assert client.get(url).status_code == 302
    assert client.post(url, _proposal()).status_code == 302
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("who", ["scientist", "member"])
def test_either_side_proposes_from_the_introduction(client, roles, introduction, who):
    login(client, getattr(roles, who))
    url = reverse("agreements:propose", args=[introduction.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _proposal())
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:detail", args=[agreement.pk])
    assert agreement.stage == Stage.PROPOSED
    assert agreement.introduction == introduction
    assert agreement.hours_per_month == 6
    assert list(agreement.milestones.values_list("title", flat=True)) == ["Datos", "Borrador"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_propose(client, roles, introduction, who):
    login(client, getattr(roles, who))
    url = reverse("agreements:propose", args=[introduction.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _proposal()).status_code == 404
    assert not Agreement.objects.exists()


def test_coordinator_is_not_a_side_and_cannot_propose(client, roles, introduction):
    login(client, roles.coordinator)
    url = reverse("agreements:propose", args=[introduction.pk])
    assert client.post(url, _proposal()).status_code == 403
    assert not Agreement.objects.exists()


def test_proposal_without_goals_shows_the_error(client, roles, introduction):
    login(client, roles.scientist)
    response = client.post(
        reverse("agreements:propose", args=[introduction.pk]), _proposal(goals=[], goals_text="")
    )
    assert response.status_code == 200
    assert "at least one goal" in response.text
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours_per_month": "-5"}, "greater than or equal to 0"),
        ({"started_on": "2027-13-01"}, "Enter a valid date."),
        ({"milestones-0-due_on": "nope"}, "Enter a valid date."),
        ({"milestones-0-title": ""}, "A milestone needs a title."),
        ({"goals": ["fame"]}, "Select a valid choice."),
    ],
)
def test_bad_proposal_input_shows_the_error_and_saves_nothing(
    client, roles, introduction, overrides, message
):
    login(client, roles.scientist)
    response = client.post(
        reverse("agreements:propose", args=[introduction.pk]), _proposal(**overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Agreement.objects.exists()


# --- transitions ------------------------------------------------------------


def test_the_awaited_side_sees_and_takes_accept(client, roles, proposed):
    login(client, roles.member)
    page = client.get(reverse("agreements:detail", args=[proposed.pk]))
    assert reverse("agreements:transition", args=[proposed.pk, "accept"]) in page.text
    client.post(reverse("agreements:transition", args=[proposed.pk, "accept"]))
    proposed.refresh_from_db()
    assert proposed.stage == Stage.SIGNED


def test_the_proposer_is_not_offered_accept_and_is_refused_with_a_message(client, roles, proposed):
    login(client, roles.scientist)
    url = reverse("agreements:transition", args=[proposed.pk, "accept"])
    assert url not in client.get(reverse("agreements:detail", args=[proposed.pk])).text
    response = client.post(url, follow=True)
    assert "other side" in response.text
    proposed.refresh_from_db()
    assert proposed.stage == Stage.PROPOSED


def test_transition_is_post_only(client, roles, active):
    login(client, roles.scientist)
    assert (
        client.get(reverse("agreements:transition", args=[active.pk, "complete"])).status_code
        == 405
    )


def test_refused_transition_shows_a_message(client, roles, active):
    login(client, roles.coordinator)
    response = client.post(
        reverse("agreements:transition", args=[active.pk, "accept"]), follow=True
    )
    assert "cannot be changed that way" in response.text
    active.refresh_from_db()
    assert active.stage == Stage.ACTIVE


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_transition(client, roles, active, who):
    login(client, getattr(roles, who))
    response = client.post(
        reverse("agreements:transition", args=[active.pk, "cancel"]), {"reason": "x"}
    )
    assert response.status_code == 404
    active.refresh_from_db()
    assert active.stage == Stage.ACTIVE


def test_cancel_with_reason_from_the_page(client, roles, active):
    login(client, roles.member)
    client.post(
        reverse("agreements:transition", args=[active.pk, "cancel"]), {"reason": "Sin fondos"}
    )
    active.refresh_from_db()
    assert active.stage == Stage.CANCELLED
    assert active.close_reason == "Sin fondos"


def test_revise_page_for_the_asked_side_only(client, roles):
    agreement = make_agreement(roles, Stage.NEGOTIATING, goals=["publications"])
    url = reverse("agreements:revise", args=[agreement.pk])
    login(client, roles.member)
    assert client.get(url).status_code == 302  # not their turn
    login(client, roles.scientist)
    assert client.get(url).status_code == 200
    client.post(url, _proposal(note="Menos horas"))
    agreement.refresh_from_db()
    assert agreement.stage == Stage.PROPOSED
    assert agreement.awaiting_side == "institution"
    for who in OUTSIDERS:
        login(client, getattr(roles, who))
        assert client.get(url).status_code == 404


def test_revise_needs_login(client, roles):
    agreement = make_agreement(roles, Stage.NEGOTIATING)
    assert client.get(reverse("agreements:revise", args=[agreement.pk])).status_code == 302


# --- milestones and notes (htmx) ---------------------------------------------


def test_add_milestone_in_place_with_htmx(client, roles, active):
    login(client, roles.scientist)
    response = client.post(
        reverse("agreements:milestone_add", args=[active.pk]),
        {"title": "Segundo borrador", "due_on": "2027-05-01"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="milestones">')
    assert "Segundo borrador" in response.text
    assert active.milestones.count() == 2


def test_tick_milestone_done_in_place(client, roles, active):
    milestone = active.milestones.get()
    login(client, roles.member)
    response = client.post(
        reverse("agreements:milestone_done", args=[active.pk, milestone.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.done


@pytest.mark.parametrize(
    ("data", "error", "not_said"),
    [
        ({"title": ""}, "needs a title", "valid date"),
        ({"title": "Segundo borrador", "due_on": "2027-02-30"}, "Enter a valid date.", "title"),
    ],
)
def test_bad_milestone_shows_its_own_error_and_is_not_added(
    client, roles, active, data, error, not_said
):
    login(client, roles.scientist)
    response = client.post(
        reverse("agreements:milestone_add", args=[active.pk]), data, HTTP_HX_REQUEST="true"
    )
    alert = response.text.split('role="alert">', 1)[1].split("</p>", 1)[0]
    assert error in alert
    assert not_said not in alert
    assert active.milestones.count() == 1


def test_a_milestone_of_another_agreement_cannot_be_ticked_through_mine(client, roles, active):
    elsewhere = factories.MilestoneFactory(agreement=factories.AgreementFactory(stage=Stage.ACTIVE))
    login(client, roles.scientist)
    response = client.post(reverse("agreements:milestone_done", args=[active.pk, elsewhere.pk]))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert not elsewhere.done


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_touch_milestones_or_notes(client, roles, active, who):
    milestone = active.milestones.get()
    login(client, getattr(roles, who))
    assert (
        client.post(
            reverse("agreements:milestone_add", args=[active.pk]), {"title": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("agreements:milestone_done", args=[active.pk, milestone.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("agreements:note", args=[active.pk]), {"text": "x"}).status_code == 404
    )
    milestone.refresh_from_db()
    assert not milestone.done
    assert active.milestones.count() == 1
    assert not active.events.exists()


def test_milestone_and_note_urls_need_login(client, active):
    milestone = active.milestones.get()
    for url in (
        reverse("agreements:milestone_add", args=[active.pk]),
        reverse("agreements:milestone_done", args=[active.pk, milestone.pk]),
        reverse("agreements:note", args=[active.pk]),
    ):
        assert client.post(url, {"title": "x", "text": "x"}).status_code == 302
    assert not active.events.exists()


@pytest.mark.parametrize("who", INSIDERS)
def test_parties_and_coordinators_write_notes_shown_in_the_timeline(client, roles, active, who):
    login(client, getattr(roles, who))
    client.post(reverse("agreements:note", args=[active.pk]), {"text": "Reunión el lunes"})
    page = client.get(reverse("agreements:detail", args=[active.pk]))
    assert "Reunión el lunes" in page.text
    assert str(getattr(roles, who)) in page.text


# --- coordinator tools ------------------------------------------------------

COORD_POSTS = [
    ("agreements:assign", {"coordinator": ""}),
    ("agreements:contact", {"channel": "call", "note": "Llamé"}),
    ("agreements:follow_up", {"next_follow_up_on": "2026-12-01"}),
]


@pytest.mark.parametrize(("name", "data"), COORD_POSTS)
def test_coordinator_tools_access(client, roles, active, name, data):
    url = reverse(name, args=[active.pk])
    assert client.post(url, data).status_code == 302
    assert "/accounts/login/" in client.post(url, data)["Location"]
    for who in OUTSIDERS:
        login(client, getattr(roles, who))
        assert client.post(url, data).status_code == 404
    for who in ("scientist", "member"):
        login(client, getattr(roles, who))
        assert client.post(url, data).status_code == 403
    assert not active.events.exists()
    login(client, roles.coordinator)
    assert client.post(url, data).status_code == 302
    assert active.events.count() == 1


def test_coordinator_assigns_logs_a_contact_and_sets_follow_up_from_the_page(client, roles, active):
    colleague = factories.CoordinatorFactory(full_name="Colega Coordinadora")
    login(client, roles.coordinator)
    page = client.get(reverse("agreements:detail", args=[active.pk]))
    assert "Colega Coordinadora" in page.text
    client.post(reverse("agreements:assign", args=[active.pk]), {"coordinator": colleague.pk})
    client.post(
        reverse("agreements:contact", args=[active.pk]), {"channel": "meeting", "note": "Bien"}
    )
    client.post(
        reverse("agreements:follow_up", args=[active.pk]), {"next_follow_up_on": "2026-12-01"}
    )
    active.refresh_from_db()
    assert active.coordinator == colleague
    assert active.next_follow_up_on == datetime.date(2026, 12, 1)
    page = client.get(reverse("agreements:detail", args=[active.pk]))
    assert "Bien" in page.text
    assert "2026-12-01" in page.text


def test_parties_do_not_see_coordinator_tools(client, roles, active):
    login(client, roles.scientist)
    page = client.get(reverse("agreements:detail", args=[active.pk]))
    assert reverse("agreements:contact", args=[active.pk]) not in page.text


# --- reminders --------------------------------------------------------------


def test_the_old_reminders_page_leads_to_the_notification_centre(client, roles):
    login(client, roles.scientist)
    response = client.get(reverse("agreements:reminders"))
    assert response.status_code == 302
    assert response.url == reverse("notifications:list")


# --- dashboard access -------------------------------------------------------


@pytest.mark.parametrize("name", ["agreements:dashboard", "agreements:dashboard_csv"])
def test_dashboard_is_for_coordinators_only(client, roles, active, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    for who in ("scientist", "member", "other_scientist", "other_member"):
        login(client, getattr(roles, who))
        assert client.get(url).status_code == 403
    login(client, roles.coordinator)
    assert client.get(url).status_code == 200


def test_list_offers_to_propose_from_introductions_without_agreement(client, roles, introduction):
    propose_url = reverse("agreements:propose", args=[introduction.pk])
    for who in ("scientist", "member"):
        login(client, getattr(roles, who))
        assert propose_url in client.get(reverse("agreements:list")).text
    for who in OUTSIDERS:
        login(client, getattr(roles, who))
        assert propose_url not in client.get(reverse("agreements:list")).text
    make_agreement(roles, Stage.PROPOSED, introduction=introduction)
    login(client, roles.scientist)
    assert propose_url not in client.get(reverse("agreements:list")).text


def test_propose_redirects_to_the_open_agreement(client, roles, proposed, introduction):
    login(client, roles.member)
    response = client.get(reverse("agreements:propose", args=[introduction.pk]))
    assert response["Location"] == reverse("agreements:detail", args=[proposed.pk])


def test_coordinator_assigns_the_agreement_to_themselves(client, roles, active):
    login(client, roles.coordinator)
    page = client.get(reverse("agreements:detail", args=[active.pk]))
    assert f'name="coordinator" value="{roles.coordinator.pk}"' in page.text
    client.post(
        reverse("agreements:assign", args=[active.pk]), {"coordinator": roles.coordinator.pk}
    )
    active.refresh_from_db()
    assert active.coordinator == roles.coordinator


def test_coordinator_cannot_revise_for_a_side(client, roles):
    agreement = make_agreement(roles, Stage.NEGOTIATING)
    login(client, roles.coordinator)
    response = client.get(reverse("agreements:revise", args=[agreement.pk]), follow=True)
    assert "other side" in response.text
    client.post(reverse("agreements:revise", args=[agreement.pk]), _proposal())
    agreement.refresh_from_db()
    assert agreement.stage == Stage.NEGOTIATING


def test_coordinator_adds_and_ticks_milestones(client, roles, active):
    login(client, roles.coordinator)
    client.post(reverse("agreements:milestone_add", args=[active.pk]), {"title": "Informe"})
    milestone = active.milestones.get(title="Primer borrador")
    client.post(reverse("agreements:milestone_done", args=[active.pk, milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.done
    assert active.milestones.count() == 2


# --- what the page says -------------------------------------------------------


def _details_of(html: str, action: str) -> str:
    """The <details> block holding an action's reason form."""
    match = re.search(rf'<details[^>]*data-action="{action}"[^>]*>.*?</details>', html, re.S)
    assert match, f"no folded form for {action}"
    return match.group(0)


@pytest.mark.parametrize(
    ("language", "cancel", "why_cancel", "why_stalled"),
    [
        ("en", "Cancel the agreement", "Why cancel the agreement?", "Why is it stalled?"),
        ("es", "Cancelar el acuerdo", "¿Por qué cancelar el acuerdo?", "¿Por qué está estancado?"),
    ],
)
def test_the_proposer_chooses_a_step_before_its_reason_box_shows(
    client, roles, proposed, language, cancel, why_cancel, why_stalled
):
    login(client, roles.scientist)
    client.cookies["django_language"] = language
    html = client.get(reverse("agreements:detail", args=[proposed.pk])).text
    cancel_form = _details_of(html, "cancel")
    stall_form = _details_of(html, "stall")
    # Folded until chosen: each <details> is closed and names its action.
    assert " open" not in cancel_form.split(">")[0]
    assert " open" not in stall_form.split(">")[0]
    assert re.search(rf"<summary[^>]*>{cancel}</summary>", cancel_form)
    # Each reason box asks its own question: no two identical "Reason" labels.
    assert why_cancel in cancel_form and why_stalled not in cancel_form
    assert why_stalled in stall_form and why_cancel not in stall_form
    assert html.count('name="reason"') == 2


def test_agreement_dates_write_the_month_out(client, roles, proposed):
    login(client, roles.scientist)
    client.cookies["django_language"] = "en"
    english = client.get(reverse("agreements:detail", args=[proposed.pk])).text
    assert "15 Jan 2027" in english and "1 Mar 2027" in english
    client.cookies["django_language"] = "es"
    spanish = client.get(reverse("agreements:detail", args=[proposed.pk])).text
    assert "15 ene 2027" in spanish and "1 mar 2027" in spanish
    assert "2027-01-15" not in spanish.replace('datetime="', "")
