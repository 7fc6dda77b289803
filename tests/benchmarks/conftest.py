"""benchmarks/ is a folder of scripts, not a package: tests load a script by its path."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
# The scripts import their neighbours by name (`from web_load import ...`), as when run there.
if str(BENCHMARKS) not in sys.path:
    sys.path.append(str(BENCHMARKS))


def load_script(name: str) -> ModuleType:
    found = sys.modules.get(f"bench_{name}")
    if found is not None:
        return found
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
