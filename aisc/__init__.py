"""aisc: the platform that runs a subsidised AI supercomputing centre."""

__version__ = "0.1.0"
