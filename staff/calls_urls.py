"""Data calls (照会): a planner asks departments for a year's actuals, follows who answered
and reminds them (namespace ``calls``).
"""

app_name = "calls"

urlpatterns: list = []
