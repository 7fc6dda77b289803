"""The allow-list contract (tests/architecture/allowlist.py) on small import graphs."""

from grimp import ImportGraph

from tests.architecture.allowlist import refused_imports


def graph(*imports: tuple[str, str]) -> ImportGraph:
    g = ImportGraph()
    for importer, imported in imports:
        g.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    return g


def refused(g: ImportGraph) -> list[str]:
    found = refused_imports(
        g, {"pkg.core"}, {"pkg.core", "numpy"}, standard_library=True, forbidden={"os"}
    )
    return [f"{r['importer']} -> {r['imported']}" for r in found]


def test_it_keeps_the_standard_library_numpy_and_the_package_itself() -> None:
    g = graph(("pkg.core.a", "math"), ("pkg.core.a", "numpy"), ("pkg.core.a", "pkg.core.b"))
    assert refused(g) == []


def test_it_refuses_a_third_party_package_and_a_sibling_of_the_source() -> None:
    g = graph(("pkg.core.a", "matplotlib"), ("pkg.core.b", "pkg.web"), ("pkg.web", "django"))
    assert refused(g) == ["pkg.core.a -> matplotlib", "pkg.core.b -> pkg.web"]


def test_it_refuses_a_forbidden_part_of_the_standard_library() -> None:
    assert refused(graph(("pkg.core.a", "os"), ("pkg.core.a", "json"))) == ["pkg.core.a -> os"]
