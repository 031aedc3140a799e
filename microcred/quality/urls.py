from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("framework/", views.framework, name="framework"),
    path("framework/<int:number>/", views.framework, name="framework_version"),
    path("framework/adopt/", views.adopt, name="adopt"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/rate/", views.rate, name="rate"),
    path("reviews/<int:pk>/decide/", views.decide, name="decide"),
    path("reviews/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("micro-credentials/<slug:slug>/", views.micro_credential, name="micro_credential"),
    path("micro-credentials/<slug:slug>/versions/<int:number>/submit/", views.submit, name="submit"),
    path("micro-credentials/<slug:slug>/versions/<int:number>/pilot/", views.pilot, name="pilot"),
    path("micro-credentials/<slug:slug>/versions/<int:number>/pilot/open/", views.open_pilot, name="open_pilot"),
    path("micro-credentials/<slug:slug>/versions/<int:number>/pilot/close/", views.close_pilot, name="close_pilot"),
    path("record/<slug:slug>/", views.record, name="record"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
]
