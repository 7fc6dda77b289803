"""Running aisc as a service: logs, health, metrics and the deployment checks."""
