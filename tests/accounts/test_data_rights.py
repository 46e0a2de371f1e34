"""Users export their data as JSON and delete their account (and scientist profile)."""

import io
import json

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts.models import ErasedEmail, User
from agreements.models import Agreement, AgreementEvent, Milestone, Reminder
from matching.models import Interest, Introduction, Match
from profiles.models import Institution, Membership, Project, ScientistProfile
from tests import factories

pytestmark = pytest.mark.django_db

ROLE_USERS = ["scientist", "other_scientist", "member", "other_member", "coordinator"]
URLS = ["accounts:account", "accounts:export", "accounts:delete"]


@pytest.fixture
def activity(roles):
    """The owner scientist and the member's project went all the way to an agreement;
    the other scientist has their own agreement with the other institution."""
    profile, project = roles.profile, roles.project
    factories.MatchFactory(scientist=profile, project=project)
    factories.InterestFactory(
        scientist=profile, project=project, reason="Me interesa el maíz", decided_by=roles.scientist
    )
    factories.InterestFactory(
        scientist=profile, project=project, side=Interest.Side.INSTITUTION, decided_by=roles.member
    )
    factories.IntroductionFactory(scientist=profile, project=project)
    agreement = factories.AgreementFactory(
        ref="agr-owner", scientist=profile, project=project, goals_text="Dos artículos"
    )
    factories.MilestoneFactory(agreement=agreement, title="Primer muestreo")
    AgreementEvent.objects.create(
        agreement=agreement, actor=roles.scientist, kind="note", message="Nota de la científica"
    )
    AgreementEvent.objects.create(
        agreement=agreement, actor=roles.member, kind="note", message="Nota del instituto"
    )
    Reminder.objects.create(
        user=roles.scientist,
        agreement=agreement,
        kind=Reminder.Kind.FOLLOW_UP_DUE,
        key="owner-follow-up",
        message="Seguimiento pendiente",
        sent_on="2026-11-20",
    )
    other = factories.AgreementFactory(
        ref="agr-other", scientist=roles.other_profile, project=roles.other_project
    )
    factories.IntroductionFactory(scientist=roles.other_profile, project=roles.other_project)
    Reminder.objects.create(
        user=roles.other_scientist,
        agreement=other,
        kind=Reminder.Kind.STALLED,
        key="other-stalled",
        message="Acuerdo detenido",
        sent_on="2026-11-20",
    )
    return agreement


def login(client, user):
    client.force_login(user)
    return client


def export(client, user):
    response = login(client, user).get(reverse("accounts:export"))
    assert response.status_code == 200
    return response, json.loads(response.content)


# --- access ---


@pytest.mark.parametrize("name", URLS)
def test_anonymous_is_sent_to_log_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_anonymous_post_to_delete_deletes_nothing(client, roles):
    users = User.objects.count()
    response = client.post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 302
    assert User.objects.count() == users


@pytest.mark.parametrize("who", ROLE_USERS)
def test_every_user_sees_their_own_account_page(client, roles, who):
    user = getattr(roles, who)
    response = login(client, user).get(reverse("accounts:account"))
    html = response.content.decode()
    assert response.status_code == 200
    assert user.email in html
    assert reverse("accounts:export") in html
    assert reverse("accounts:delete") in html
    others = [getattr(roles, w).email for w in ROLE_USERS if w != who]
    assert not any(email in html for email in others)


@pytest.mark.parametrize("who", ROLE_USERS)
def test_every_user_exports_only_their_own_account(client, roles, activity, who):
    user = getattr(roles, who)
    response, data = export(client, user)
    assert data["account"]["email"] == user.email
    text = response.content.decode()
    for other in ROLE_USERS:
        if other != who:
            assert getattr(roles, other).email not in text


@pytest.mark.parametrize("who", ROLE_USERS)
def test_delete_page_asks_for_the_password_and_deletes_nothing_on_get(client, roles, who):
    user = getattr(roles, who)
    response = login(client, user).get(reverse("accounts:delete"))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_profile_and_institution_pages_link_to_the_account_page(client, roles):
    url = reverse("accounts:account")
    assert (
        url in login(client, roles.scientist).get(reverse("profiles:my_profile")).content.decode()
    )
    assert (
        url in login(client, roles.member).get(reverse("profiles:my_institution")).content.decode()
    )


# --- export ---


def test_export_is_a_json_download(client, roles):
    response, data = export(client, roles.scientist)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.json"')
    assert data["format"] == "red-diaspora-personal-data"


def test_scientist_export_holds_account_profile_and_collaborations(client, roles, activity):
    roles.scientist.privacy_accepted_at = "2026-10-01T12:00:00Z"
    roles.scientist.save()
    _, data = export(client, roles.scientist)

    account = data["account"]
    assert account["role"] == "scientist"
    assert account["privacy_accepted_at"].startswith("2026-10-01")
    assert account["email_addresses"] == [
        {"email": roles.scientist.email, "verified": True, "primary": True}
    ]
    profile = data["scientist_profile"]
    assert profile["ref"] == roles.profile.ref
    assert profile["keywords"] == ["genómica", "bioinformática"]
    assert profile["available_from"] == "2027-01-15"
    assert data["memberships"] == []
    assert {(i["side"], i["decided_by_you"]) for i in data["interests"]} == {
        ("scientist", True),
        ("institution", False),
    }
    assert [i["project"]["ref"] for i in data["introductions"]] == [roles.project.ref]
    [agreement] = data["agreements"]
    assert agreement["ref"] == "agr-owner"
    assert agreement["goals_text"] == "Dos artículos"
    assert [m["title"] for m in agreement["milestones"]] == ["Primer muestreo"]
    assert [(e["message"], e["by_you"]) for e in agreement["timeline"]] == [
        ("Nota de la científica", True),
        ("Nota del instituto", False),
    ]
    assert [r["message"] for r in data["reminders"]] == ["Seguimiento pendiente"]


def test_scientist_export_leaves_out_other_scientists_activity(client, roles, activity):
    response, data = export(client, roles.scientist)
    text = response.content.decode()
    assert "agr-other" not in text
    assert "Acuerdo detenido" not in text
    assert roles.other_profile.ref not in text


def test_member_export_holds_memberships_and_their_institutions_agreements(client, roles, activity):
    response, data = export(client, roles.member)
    assert data["scientist_profile"] is None
    assert [(m["institution_ref"], m["status"]) for m in data["memberships"]] == [
        (roles.institution.ref, "approved")
    ]
    assert [i["side"] for i in data["interests"]] == ["institution"]
    assert [a["ref"] for a in data["agreements"]] == ["agr-owner"]
    mine = [e["message"] for e in data["agreements"][0]["timeline"] if e["by_you"]]
    assert mine == ["Nota del instituto"]
    assert data["reminders"] == []
    # The scientist's name is there, their contact email is not.
    assert data["agreements"][0]["scientist"] == roles.profile.name
    assert roles.profile.email not in response.content.decode()


def test_member_of_another_institution_gets_none_of_the_owners_collaboration(
    client, roles, activity
):
    response, data = export(client, roles.other_member)
    assert [a["ref"] for a in data["agreements"]] == ["agr-other"]
    assert "agr-owner" not in response.content.decode()
    assert data["interests"] == []


def test_pending_member_gets_none_of_the_institutions_agreements(client, roles, activity):
    pending = factories.MembershipFactory(
        institution=roles.institution, status=Membership.Status.PENDING
    )
    _, data = export(client, pending.user)
    assert data["agreements"] == []
    assert data["introductions"] == []
    assert [m["status"] for m in data["memberships"]] == ["pending"]


def test_coordinator_export_is_their_own_data_not_the_whole_network(client, roles, activity):
    _, data = export(client, roles.coordinator)
    assert data["account"]["email"] == roles.coordinator.email
    assert data["agreements"] == []
    assert data["introductions"] == []


def test_export_never_reveals_the_other_sides_not_for_me_or_its_reason(client, roles):
    factories.InterestFactory(
        scientist=roles.profile,
        project=roles.project,
        side=Interest.Side.INSTITUTION,
        decision=Interest.Decision.DECLINED,
        reason="Buscamos a alguien con más experiencia",
        decided_by=roles.member,
    )
    response, data = export(client, roles.scientist)
    assert data["interests"] == []
    assert "Buscamos a alguien" not in response.content.decode()
    # The member who decided gets their own decision back.
    _, member_data = export(client, roles.member)
    assert [i["reason"] for i in member_data["interests"]] == [
        "Buscamos a alguien con más experiencia"
    ]


def test_export_holds_suggestions_with_scores_and_reasons(client, roles):
    factories.MatchFactory(
        scientist=roles.profile,
        project=roles.project,
        score=0.8,
        reasons=[{"code": "shared_field", "params": {"fields": ["genetics_genomics"]}}],
    )
    _, data = export(client, roles.scientist)
    [suggestion] = data["suggestions"]
    assert suggestion["project"]["ref"] == roles.project.ref
    assert suggestion["score"] == 0.8
    assert suggestion["reasons"] and all(isinstance(r, str) for r in suggestion["reasons"])


def test_member_export_holds_the_projects_they_created(client, roles):
    roles.project.created_by = roles.member
    roles.project.save()
    _, data = export(client, roles.member)
    assert [p["ref"] for p in data["projects_created"]] == [roles.project.ref]
    _, other = export(client, roles.other_member)
    assert other["projects_created"] == []


# --- deletion ---


def test_wrong_password_deletes_nothing_and_says_why(client, roles, activity):
    response = login(client, roles.scientist).post(
        reverse("accounts:delete"), {"password": "not-my-password-1"}
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert 'id="id_password_error"' in response.content.decode()
    assert User.objects.filter(pk=roles.scientist.pk).exists()
    assert ScientistProfile.objects.filter(pk=roles.profile.pk).exists()


def test_empty_password_deletes_nothing(client, roles):
    response = login(client, roles.scientist).post(reverse("accounts:delete"), {"password": ""})
    assert response.status_code == 200
    assert User.objects.filter(pk=roles.scientist.pk).exists()


def test_scientist_deletes_account_profile_and_its_collaborations(client, roles, activity):
    response = login(client, roles.scientist).post(
        reverse("accounts:delete"), {"password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=roles.scientist.pk).exists()
    assert not ScientistProfile.objects.filter(pk=roles.profile.pk).exists()
    assert not Match.objects.filter(scientist_id=roles.profile.pk).exists()
    assert not Interest.objects.filter(scientist_id=roles.profile.pk).exists()
    assert not Introduction.objects.filter(scientist_id=roles.profile.pk).exists()
    assert not Agreement.objects.filter(ref="agr-owner").exists()
    assert not Milestone.objects.filter(title="Primer muestreo").exists()
    assert not Reminder.objects.filter(key="owner-follow-up").exists()
    # Everyone else's data is untouched.
    assert Agreement.objects.filter(ref="agr-other").exists()
    assert ScientistProfile.objects.filter(pk=roles.other_profile.pk).exists()
    assert Project.objects.filter(pk=roles.project.pk).exists()
    assert Reminder.objects.filter(key="other-stalled").exists()


def test_deleted_user_is_logged_out_and_cannot_log_in_again(client, roles):
    login(client, roles.scientist).post(
        reverse("accounts:delete"), {"password": factories.PASSWORD}
    )
    assert client.get(reverse("accounts:account")).status_code == 302
    client.post(
        reverse("account_login"), {"login": roles.scientist.email, "password": factories.PASSWORD}
    )
    assert client.get(reverse("accounts:account")).status_code == 302


def test_member_deletes_account_and_their_institution_keeps_its_projects(client, roles, activity):
    roles.project.created_by = roles.member
    roles.project.save()
    login(client, roles.member).post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    assert not User.objects.filter(pk=roles.member.pk).exists()
    assert not Membership.objects.filter(user_id=roles.member.pk).exists()
    roles.project.refresh_from_db()
    assert roles.project.created_by is None
    assert Institution.objects.filter(pk=roles.institution.pk).exists()
    # The collaboration belongs to the scientist too: it stays, without its author.
    agreement = Agreement.objects.get(ref="agr-owner")
    assert agreement.events.get(message="Nota del instituto").actor is None
    assert Interest.objects.get(side="institution").decided_by is None


def test_one_user_deleting_leaves_other_users_alone(client, roles):
    login(client, roles.other_scientist).post(
        reverse("accounts:delete"), {"password": factories.PASSWORD}
    )
    assert User.objects.filter(pk=roles.scientist.pk).exists()
    assert ScientistProfile.objects.filter(pk=roles.profile.pk).exists()
    assert not ScientistProfile.objects.filter(pk=roles.other_profile.pk).exists()


def test_coordinator_can_delete_their_account(client, roles):
    login(client, roles.coordinator).post(
        reverse("accounts:delete"), {"password": factories.PASSWORD}
    )
    assert not User.objects.filter(pk=roles.coordinator.pk).exists()
    assert Group.objects.filter(name="coordinators").exists()


def test_superuser_account_is_not_deleted_from_this_page(client, db):
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    response = login(client, admin).post(
        reverse("accounts:delete"), {"password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert User.objects.filter(pk=admin.pk).exists()


def test_an_import_does_not_bring_back_someone_who_deleted_their_account(client, roles, tmp_path):
    email = roles.profile.email
    login(client, roles.scientist).post(
        reverse("accounts:delete"), {"password": factories.PASSWORD}
    )
    data = {"scientists": [{"ref": "sci-back", "name": "Back Again", "email": email.upper()}]}
    path = tmp_path / "again.json"
    path.write_text(json.dumps(data))
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", str(path), "--no-rematch", stdout=io.StringIO(), stderr=stderr)
    assert exit_info.value.code == 1
    assert (
        "scientists[0] ref=sci-back email: this person deleted their account" in stderr.getvalue()
    )
    assert not ScientistProfile.objects.filter(ref="sci-back").exists()
    assert ErasedEmail.objects.count() == 1  # a digest, not the address
    assert not ErasedEmail.objects.filter(digest__icontains="@").exists()


def test_signing_up_again_lets_the_person_be_imported_again(roles):
    email = roles.profile.email
    ErasedEmail.objects.remember([email])
    address = roles.other_scientist.emailaddress_set.get()
    address.email = email
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert ErasedEmail.objects.erased([email]) == set()


def test_deleting_an_account_leaves_no_session_of_theirs(roles):
    from django.contrib.sessions.models import Session
    from django.test import Client

    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post(
            reverse("account_login"),
            {"login": roles.scientist.email, "password": factories.PASSWORD},
        )
    other = Client()
    other.post(
        reverse("account_login"),
        {"login": roles.other_scientist.email, "password": factories.PASSWORD},
    )

    def logged_in_users():
        return [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]

    assert logged_in_users().count(str(roles.scientist.pk)) == 2
    laptop.post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    assert str(roles.scientist.pk) not in logged_in_users()
    assert str(roles.other_scientist.pk) in logged_in_users()


def test_the_erased_email_digest_is_keyed_not_a_bare_hash(db, settings):
    import hashlib

    ErasedEmail.objects.remember(["Ana@Example.org"])
    stored = ErasedEmail.objects.get().digest
    assert stored != hashlib.sha256(b"ana@example.org").hexdigest()
    settings.SECRET_KEY = "another-secret-entirely-" * 3
    assert ErasedEmail.objects.erased(["ana@example.org"]) == set()


def test_digests_from_before_keying_still_block_a_reimport_and_are_rekeyed(db):
    import hashlib

    ErasedEmail.objects.create(digest=hashlib.sha256(b"ana@example.org").hexdigest())
    assert ErasedEmail.objects.erased(["ana@example.org"]) == {"ana@example.org"}
    assert ErasedEmail.objects.get().digest == ErasedEmail.digest_of("ana@example.org")
    assert ErasedEmail.objects.erased(["ana@example.org"]) == {"ana@example.org"}
