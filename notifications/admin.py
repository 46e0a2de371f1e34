from django.contrib import admin

from .models import Notification, NotificationPreference, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "created_at", "delivery", "emailed_at", "read_at")
    list_filter = ("kind", "delivery")
    search_fields = ("recipient__email", "event_key")
    raw_id_fields = ("recipient", "actor")
    readonly_fields = ("created_at",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "delivery")
    raw_id_fields = ("user",)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "weekly_digest", "last_digest_at")
    raw_id_fields = ("user",)
    filter_horizontal = ("followed_institutions",)
    exclude = ("calendar_token",)
