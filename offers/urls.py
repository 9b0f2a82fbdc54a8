from django.urls import path

from offers import views

app_name = "offers"

urlpatterns = [
    path("", views.offer_list, name="list"),
    path("new/", views.offer_new, name="new"),
    path("<int:pk>/", views.offer_detail, name="detail"),
    path("<int:pk>/live/", views.offer_detail_live, name="detail_live"),
    path("<int:pk>/withdraw/", views.offer_withdraw, name="withdraw"),
    path("<int:pk>/edit/", views.wizard, name="wizard_resume"),
    path("<int:pk>/edit/<slug:step>/", views.wizard, name="wizard"),
    path("<int:pk>/logos/<slug:slot>.png", views.offer_logo, name="logo"),
]
