"""The review chain: a department submits its values, a planner returns or approves them,
publishes and reopens years (namespace ``review``).
"""

app_name = "review"

urlpatterns: list = []
