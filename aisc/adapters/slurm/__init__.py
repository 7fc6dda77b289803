"""The Slurm adapter: the only code that talks to sacctmgr, scontrol, squeue, sinfo and sacct.
`protocol.SlurmAdapter`, the CLI implementation (`cli.CliSlurm`), an in-memory fake
(`fake.FakeSlurm`), and billing's usage parser (`usage`)."""
