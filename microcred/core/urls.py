from django.urls import path

from . import views_audit

app_name = "core"

urlpatterns = [
    path("audit/", views_audit.audit_trail, name="audit"),
    path("audit/export", views_audit.audit_export, name="audit_export"),
]
