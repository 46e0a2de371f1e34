from django.contrib import admin

from .models import Assignment, PairRule, Round


class PairRuleInline(admin.TabularInline):
    model = PairRule
    raw_id_fields = ["scientist", "project"]
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "ref", "status", "total_score", "greedy_total_score", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "ref"]
    raw_id_fields = ["projects"]
    readonly_fields = ["progress", "empty_seats", "uncovered_states", "computed_at"]
    inlines = [PairRuleInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["round", "scientist", "project", "score", "status", "forced"]
    list_filter = ["status", "forced"]
    raw_id_fields = ["round", "scientist", "project"]
