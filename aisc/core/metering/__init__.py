"""Usage metering: job records with typed GPU TRES, corrections, splitting at period boundaries."""
