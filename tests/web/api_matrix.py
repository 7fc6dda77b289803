"""What the API permission matrices share: the endpoints under a prefix, read from the OpenAPI
schema itself (so a new endpoint without a rule fails its matrix), and concrete URLs for them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from aisc.web.api_v1 import api


def endpoints_under(prefix: str) -> list[tuple[str, str]]:
    """(method, path without the prefix) of every operation the API serves under prefix."""
    paths = api.get_openapi_schema()["paths"]
    return sorted(
        (method, path.removeprefix(prefix))
        for path, operations in paths.items()
        if path.startswith(prefix)
        for method in operations
    )


def url_with(prefix: str, path: str, ids: Mapping[str, int | str]) -> str:
    """The path with each {name} replaced by ids[name]."""
    return prefix + re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)
