"""Target revisions (KPI見直し), the committee's comments and the planner's evaluation text
(namespace ``committee``).
"""

app_name = "committee"

urlpatterns: list = []
