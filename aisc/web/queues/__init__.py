"""The signed-in dashboard: each role's work queue, read across every app (so it sits at the top
of the apps' layers, above billing, allocations, grants and the back office)."""
