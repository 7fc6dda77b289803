"""The Slurm adapter: the only code that talks to sacctmgr, scontrol, sacct and slurmrestd."""
