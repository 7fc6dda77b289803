"""An import-linter contract type that import-linter lacks: an allow-list.

    [[tool.importlinter.contracts]]
    type = "allowlist"
    source_modules = ["aisc.core"]
    allowed_modules = ["aisc.core", "numpy"]
    allow_standard_library = true
    forbidden_modules = ["importlib", "subprocess"]

Every module under a source module may import only the allowed modules (and their submodules)
and, with `allow_standard_library`, the standard library (sys.stdlib_module_names) less the
forbidden modules. The built-in `forbidden` contract cannot say this: it lists what is refused,
so a new dependency (matplotlib, weasyprint, a database driver) passes until someone adds it.
Registered in pyproject.toml under `contract_types`; `make check` runs it with lint-imports.
"""

from __future__ import annotations

import sys
from typing import Any

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _within(module: str, names: set[str]) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in names)


def refused_imports(
    graph: ImportGraph,
    sources: set[str],
    allowed: set[str],
    *,
    standard_library: bool,
    forbidden: set[str],
) -> list[dict[str, Any]]:
    """Each direct import from a source module of a module outside the allow-list."""
    importers = sorted(m for m in graph.modules if _within(m, sources))
    refused = []
    for importer in importers:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            top = imported.split(".")[0]
            stdlib = standard_library and top in sys.stdlib_module_names
            if _within(imported, forbidden) or not (stdlib or _within(imported, allowed)):
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = sorted({d["line_number"] for d in details})
                refused.append({"importer": importer, "imported": imported, "lines": lines})
    return refused


class AllowListContract(Contract):
    type_name = "allowlist"

    source_modules = fields.SetField(subfield=fields.StringField())
    allowed_modules = fields.SetField(subfield=fields.StringField())
    allow_standard_library = fields.BooleanField(required=False, default=False)
    forbidden_modules = fields.SetField(subfield=fields.StringField(), required=False)

    def _names(self, option: str) -> set[str]:
        """An option's value: the fields above are replaced by the parsed values on the instance."""
        value: Any = getattr(self, option)
        return set(value or ())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        refused = refused_imports(
            graph,
            self._names("source_modules"),
            self._names("allowed_modules"),
            standard_library=bool(self.allow_standard_library),
            forbidden=self._names("forbidden_modules"),
        )
        return ContractCheck(kept=not refused, metadata={"refused": refused})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["refused"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(
                f"{item['importer']} imports {item['imported']} ({lines}), which is not in "
                "the allow-list",
                bold=False,
            )
        output.new_line()
