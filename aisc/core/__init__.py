"""Pure domain: stdlib and numpy only. No Django, no subprocess, no environment, no wall clock."""
