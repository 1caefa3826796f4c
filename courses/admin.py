from django.contrib import admin

from .models import Competency, TopicTag


@admin.register(TopicTag)
class TopicTagAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "dimension", "slug"]
    list_filter = ["dimension"]
    search_fields = ["name", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_practical"]
    list_filter = ["is_practical"]
    search_fields = ["name", "name_fr", "code"]
    prepopulated_fields = {"code": ["name"]}
