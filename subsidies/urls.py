from django.urls import path

from subsidies import views

app_name = "subsidies"

urlpatterns = [
    path("", views.subsidy_list, name="subsidy_list"),
    path("<slug:code>/", views.subsidy_detail, name="subsidy_detail"),
]
