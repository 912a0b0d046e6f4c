"""What people do with a comité: plan it, prepare and publish its agenda, take attendance,
record decisions, validate and amend the minutes. Plain functions: they flush, never commit.
One module per part: ``meetings``, ``agenda``, ``decisions``, ``minutes``, ``calendar``;
``state`` holds the rules every part shares (a validated meeting is locked)."""
