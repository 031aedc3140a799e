from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.search, name="search"),
    path("mc/<slug:slug>/", views.detail, name="detail"),
    path("mc/<slug:slug>/v<int:number>/", views.version_detail, name="version"),
    path("stacks/", views.stacks, name="stacks"),
    path("stacks/<slug:slug>/", views.stack_detail, name="stack"),
    path("author/", views.author_home, name="author_home"),
    path("author/new/", views.author_new, name="author_new"),
    path("author/import/", views.author_import, name="author_import"),
    path("author/stacks/new/", views.author_stack, name="author_stack_new"),
    path("author/stacks/<slug:slug>/", views.author_stack, name="author_stack"),
    path("author/mc/<slug:slug>/v<int:number>/", views.author_version, name="author_version"),
    path("author/mc/<slug:slug>/v<int:number>/export.json", views.author_export, name="author_export"),
    path("author/mc/<slug:slug>/v<int:number>/translations/<str:language>/", views.author_translation,
         name="author_translation"),
    path("author/mc/<slug:slug>/v<int:number>/alignments/", views.author_alignments, name="author_alignments"),
    path("author/mc/<slug:slug>/v<int:number>/parts/new/", views.author_part, name="author_part_new"),
    path("author/mc/<slug:slug>/v<int:number>/parts/<int:position>/", views.author_part, name="author_part"),
    path("author/mc/<slug:slug>/v<int:number>/change-note/", views.author_change_note, name="author_change_note"),
    path("author/mc/<slug:slug>/v<int:number>/<str:action>/", views.author_transition, name="author_transition"),
]
