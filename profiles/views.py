from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.views import fit_for_viewer

from . import services, vocab
from .filters import ProjectFilter, ScientistFilter
from .forms import InstitutionForm, JoinInstitutionForm, ProjectForm, ScientistProfileForm
from .models import Institution, Membership, Project, ScientistProfile, listed_to_members_q
from .pagination import CappedPaginator

PAGE_SIZE = 20


# --- Who may see and change what: every lookup goes through one of these. ---


def _member_institutions(user):
    """Approved institutions where the user is an approved member."""
    return Institution.objects.approved().filter(
        memberships__user=user, memberships__status=Membership.Status.APPROVED
    )


def _can_browse_scientists(user) -> bool:
    return user.is_coordinator or bool(user.approved_institution_ids)


def _visible_projects(user):
    """Open projects, plus every project of the user's institutions (all for coordinators)."""
    if user.is_coordinator:
        return Project.objects.all()
    return Project.objects.filter(
        Q(status=vocab.ProjectStatus.OPEN) | Q(institution__in=_member_institutions(user))
    )


def _editable_projects(user):
    if user.is_coordinator:
        return Project.objects.all()
    return Project.objects.filter(institution__in=_member_institutions(user))


def _visible_scientists(user):
    if user.is_coordinator:
        return ScientistProfile.objects.all()
    if _can_browse_scientists(user):
        return ScientistProfile.objects.filter(listed_to_members_q() | Q(user=user))
    return ScientistProfile.objects.filter(user=user)


def _get_project_for_user(user, pk, *, edit=False):
    projects = _editable_projects(user) if edit else _visible_projects(user)
    return get_object_or_404(projects.select_related("institution"), pk=pk)


def _require_institution_side(user):
    """Institution members and coordinators; scientists have no institution pages."""
    if user.is_scientist and not user.is_coordinator:
        raise PermissionDenied


def _require_coordinator(user):
    if not user.is_coordinator:
        raise PermissionDenied


def _paginate(request, queryset):
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- Scientists ---


@login_required
def my_profile(request):
    """Create or edit the requesting scientist's own profile."""
    user = request.user
    if not user.is_scientist:
        raise PermissionDenied
    profile = ScientistProfile.objects.filter(user=user).first()
    if profile is None:
        # Imported after the user verified their email: claim it now.
        for address in user.emailaddress_set.filter(verified=True):
            profile = services.claim_imported_profile(user=user, email=address.email)
            if profile:
                break
    creating = profile is None
    if creating:
        profile = ScientistProfile(user=user, name=user.full_name, email=user.email)
    form = ScientistProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.instance.user = user
        form.save()
        messages.success(
            request, _("Your profile was created.") if creating else _("Your profile was saved.")
        )
        return redirect("profiles:my_profile")
    return render(
        request,
        "profiles/my_profile.html",
        {"form": form, "profile": profile, "creating": creating},
    )


@login_required
def scientist_list(request):
    if not _can_browse_scientists(request.user):
        raise PermissionDenied
    filterset = ScientistFilter(request.GET or None, queryset=_visible_scientists(request.user))
    page, query = _paginate(request, filterset.qs.order_by("name", "pk"))
    return render(
        request,
        "profiles/scientist_list.html",
        {"filter": filterset, "page": page, "query": query},
    )


@login_required
def scientist_detail(request, pk):
    profile = get_object_or_404(_visible_scientists(request.user), pk=pk)
    return render(request, "profiles/scientist_detail.html", {"profile": profile})


# --- Institutions ---


@login_required
def my_institution(request):
    user = request.user
    _require_institution_side(user)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("institution")
        .order_by("institution__name")
    )
    projects = (
        Project.objects.filter(institution__in=_member_institutions(user))
        .select_related("institution")
        .order_by("institution__name", "title")
    )
    return render(
        request,
        "profiles/my_institution.html",
        {
            "memberships": memberships,
            "projects": projects,
            "can_create_project": user.is_coordinator or _member_institutions(user).exists(),
        },
    )


@login_required
def institution_register(request):
    _require_institution_side(request.user)
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.register_institution(user=request.user, institution=form.instance)
        messages.success(
            request,
            _("Thank you: a coordinator will review %(name)s soon.") % {"name": form.instance.name},
        )
        return redirect("profiles:my_institution")
    return render(request, "profiles/institution_form.html", {"form": form})


@login_required
def institution_join(request):
    _require_institution_side(request.user)
    form = JoinInstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        institution = form.cleaned_data["institution"]
        services.request_membership(user=request.user, institution=institution)
        messages.success(
            request,
            _("Your request to join %(name)s awaits a coordinator's approval.")
            % {"name": institution.name},
        )
        return redirect("profiles:my_institution")
    return render(request, "profiles/institution_join.html", {"form": form})


# --- Coordinators' approvals ---


def _pending_institutions():
    return services.pending_institutions()


def _pending_memberships():
    return services.pending_memberships().select_related("user", "institution")


@login_required
def approvals(request):
    _require_coordinator(request.user)
    institutions = _pending_institutions().prefetch_related("memberships__user")
    return render(
        request,
        "profiles/approvals.html",
        {"institutions": institutions, "memberships": _pending_memberships()},
    )


def _decision(request) -> bool:
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        raise Http404
    return decision == "approve"


@login_required
@require_POST
def institution_decide(request, pk):
    _require_coordinator(request.user)
    approve = _decision(request)
    institution = get_object_or_404(_pending_institutions(), pk=pk)
    services.decide_institution(institution=institution, approve=approve, by=request.user)
    if approve:
        messages.success(request, _("%(name)s was approved.") % {"name": institution.name})
    else:
        messages.success(request, _("%(name)s was rejected.") % {"name": institution.name})
    return redirect("profiles:approvals")


@login_required
@require_POST
def membership_decide(request, pk):
    _require_coordinator(request.user)
    approve = _decision(request)
    membership = get_object_or_404(_pending_memberships(), pk=pk)
    services.decide_membership(membership=membership, approve=approve, by=request.user)
    names = {"user": membership.user, "name": membership.institution.name}
    if approve:
        messages.success(request, _("%(user)s is now a member of %(name)s.") % names)
    else:
        messages.success(request, _("%(user)s was not admitted to %(name)s.") % names)
    return redirect("profiles:approvals")


# --- Projects ---


@login_required
def project_list(request):
    projects = Project.objects.open().select_related("institution")
    filterset = ProjectFilter(request.GET or None, queryset=projects)
    page, query = _paginate(request, filterset.qs.order_by("-created_at", "-pk"))
    return render(
        request,
        "profiles/project_list.html",
        {"filter": filterset, "page": page, "query": query},
    )


@login_required
def project_detail(request, pk):
    project = _get_project_for_user(request.user, pk)
    can_edit = _editable_projects(request.user).filter(pk=project.pk).exists()
    return render(
        request,
        "profiles/project_detail.html",
        {
            "project": project,
            "can_edit": can_edit,
            "statuses": vocab.ProjectStatus,
            "fit": None if can_edit else fit_for_viewer(request.user, project),
        },
    )


def _project_institutions(user):
    if user.is_coordinator:
        return Institution.objects.approved()
    return _member_institutions(user)


@login_required
def project_create(request):
    institutions = _project_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied
    form = ProjectForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        project = form.save()
        messages.success(request, _("The project was saved as a draft: open it when it is ready."))
        return redirect(project)
    return render(request, "profiles/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk):
    project = _get_project_for_user(request.user, pk, edit=True)
    form = ProjectForm(
        request.POST or None, instance=project, institutions=_project_institutions(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The project was saved."))
        return redirect(project)
    return render(request, "profiles/project_form.html", {"form": form, "project": project})


@login_required
@require_POST
def project_set_status(request, pk):
    project = _get_project_for_user(request.user, pk, edit=True)
    status = request.POST.get("status")
    if status not in vocab.ProjectStatus.values:
        raise Http404
    if project.status != status:
        project.status = status
        project.save()
    said = {
        vocab.ProjectStatus.DRAFT: _("The project is back to draft."),
        vocab.ProjectStatus.OPEN: _("The project is now open to collaborators."),
        vocab.ProjectStatus.CLOSED: _("The project is now closed."),
    }
    messages.success(request, said[project.status])
    return redirect(project)
