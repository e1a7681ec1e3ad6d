"""A project's course: status steps, planned dates, milestones, verification (认定), evidence, overdue, timeline."""
