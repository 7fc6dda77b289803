"""Allocations: awards become GPU-hour budgets per chip, with a lifecycle, tranches, change
requests, a capacity guard, and the Slurm state they provision (desired state and its diff)."""
