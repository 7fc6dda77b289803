"""Slurm: the only code that talks to the workload manager. `protocol.SlurmAdapter`, the CLI
implementation (`cli.CliSlurm`), and an in-memory fake (`fake.FakeSlurm`)."""
