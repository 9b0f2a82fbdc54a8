from django.urls import path

from review import bulk, dashboard, export, views

app_name = "review"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("queue.csv", export.export_queue, name="export"),
    path("bulk/", bulk.confirmation, name="bulk"),
    path("bulk/confirm/", bulk.confirm, name="bulk_confirm"),
    path("offers/<int:pk>/", views.offer_review, name="offer"),
    path("offers/<int:pk>/live/", views.offer_review_live, name="offer_live"),
    path("offers/<int:pk>/logos/<slug:slot>.png", views.offer_logo, name="logo"),
    path(
        "offers/<int:pk>/revisions/<int:number>/logos/<slug:slot>.png",
        views.revision_logo,
        name="revision_logo",
    ),
    path("offers/<int:pk>/assign/", views.assign, name="assign"),
    path("offers/<int:pk>/unassign/", views.unassign, name="unassign"),
    path("offers/<int:pk>/decide/", views.decide, name="decide"),
    path("offers/<int:pk>/checks/rerun/", views.rerun_checks, name="rerun_checks"),
]
