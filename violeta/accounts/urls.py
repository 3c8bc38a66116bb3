from django.urls import path

from violeta.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("nueva/", views.staff_create, name="staff_create"),
    path("<int:pk>/", views.staff_edit, name="staff_edit"),
]
