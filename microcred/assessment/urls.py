from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("next/", views.next_item, name="next"),
    path("calibration/<slug:slug>/start/", views.start_calibration, name="start_calibration"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/release/", views.release, name="release"),
    path("items/<int:pk>/precheck/", views.precheck, name="precheck"),
    path("issuer/", views.issuer, name="issuer"),
    path("issuer/mc/<slug:slug>/", views.issuer_mc, name="issuer_mc"),
    path("issuer/mc/<slug:slug>/pool/", views.add_to_pool, name="add_to_pool"),
    path("issuer/assignments/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("issuer/reviews/<int:pk>/anchor/", views.anchor_new, name="anchor_new"),
]
