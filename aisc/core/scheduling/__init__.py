"""Scheduling: typed GPU nodes, jobs that need gangs of GPUs, and the policies ordering them."""
