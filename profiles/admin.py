from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Institution, Membership, Project, ScientistProfile


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "decided_at"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "ref", "kind", "state", "city", "approved", "created_at"]
    list_filter = ["approved", "kind", "state"]
    search_fields = ["name", "ref", "city"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected institutions and their pending members"))
    def approve(self, request, queryset):
        for institution in queryset.filter(approved=False):
            services.decide_institution(institution=institution, approve=True)
        self.message_user(request, _("Institutions approved."), messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "institution", "status", "created_at", "decided_at"]
    list_filter = ["status", "institution__approved"]
    search_fields = ["user__email", "user__full_name", "institution__name"]
    autocomplete_fields = ["user", "institution"]
    list_select_related = ["user", "institution"]


@admin.register(ScientistProfile)
class ScientistProfileAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "ref",
        "email",
        "country",
        "position",
        "user",
        "listing_consented",
        "updated_at",
    ]
    list_filter = ["position", "country", "collaborated_before", "listing_consented"]
    search_fields = ["name", "ref", "email", "institution_abroad", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["areas", "created_at", "updated_at"]
    list_select_related = ["user"]
    actions = ["record_listing_consent"]

    @admin.action(
        description=_("Record that they agreed to be listed before claiming"),
        permissions=["change"],
    )
    def record_listing_consent(self, request, queryset):
        queryset.update(listing_consented=True)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "ref",
        "institution",
        "status",
        "collaboration_type",
        "funding",
        "seats",
    ]
    list_filter = ["status", "collaboration_type", "funding", "institution__state"]
    search_fields = ["title", "ref", "description", "institution__name"]
    autocomplete_fields = ["institution"]
    readonly_fields = ["areas", "created_by", "created_at", "updated_at"]
    list_select_related = ["institution"]
    date_hierarchy = "created_at"
