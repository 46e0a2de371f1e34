from django.contrib import admin

from .models import Interest, Introduction, Match, MatchRun


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["scientist", "project", "score", "updated_at"]
    list_filter = ["project__status", "updated_at"]
    search_fields = ["scientist__ref", "scientist__name", "project__ref", "project__title"]
    raw_id_fields = ["scientist", "project"]
    list_select_related = ["scientist", "project"]
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["-pk"]
    show_full_result_count = False


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    """Declines keep their reason: read them to improve the matcher."""

    list_display = ["scientist", "project", "side", "decision", "reason", "updated_at"]
    list_filter = ["side", "decision", "updated_at"]
    search_fields = [
        "scientist__ref",
        "scientist__name",
        "project__ref",
        "project__title",
        "reason",
    ]
    raw_id_fields = ["scientist", "project", "decided_by"]
    list_select_related = ["scientist", "project"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ["scientist", "project", "score", "created_at"]
    list_filter = ["created_at", "project__institution__state"]
    search_fields = [
        "scientist__ref",
        "scientist__name",
        "project__ref",
        "project__title",
        "project__institution__name",
    ]
    raw_id_fields = ["scientist", "project"]
    list_select_related = ["scientist", "project"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "status",
        "chunks_done",
        "chunks_total",
        "pairs_scored",
        "started_by",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status", "started_at"]
    search_fields = ["started_by__email"]
    raw_id_fields = ["started_by"]
    readonly_fields = ["started_at"]
