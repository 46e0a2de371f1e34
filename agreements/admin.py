from django.contrib import admin

from .models import Agreement, AgreementEvent, FollowUpSettings, Milestone, Reminder


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "ref",
        "scientist",
        "project",
        "stage",
        "last_activity_on",
        "next_follow_up_on",
        "coordinator",
    ]
    list_filter = ["stage"]
    search_fields = ["ref", "scientist__name", "scientist__ref", "project__title", "project__ref"]
    raw_id_fields = ["scientist", "project", "introduction", "proposed_by", "coordinator"]
    inlines = [MilestoneInline]


@admin.register(AgreementEvent)
class AgreementEventAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["agreement", "actor"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "agreement", "sent_on", "read_at"]
    list_filter = ["kind", "sent_on"]
    raw_id_fields = ["user", "agreement", "milestone"]
    search_fields = ["key", "user__email"]


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "stall_days", "due_soon_days"]

    def has_add_permission(self, request):
        # One row of settings; adding it still needs the model permission.
        return super().has_add_permission(request) and not FollowUpSettings.objects.exists()
