"""Tools for the tests, the benchmarks and the deployment rehearsal, never for the service: the
import-linter contract "nothing in the platform imports aisc.devtools" (pyproject.toml) keeps
the portal, the API, the worker and the CLI from reaching them."""
