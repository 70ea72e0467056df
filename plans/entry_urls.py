"""Staff entry of yearly actuals (namespace ``entry``)."""

from django.urls import path

app_name = "entry"

urlpatterns: list = []
