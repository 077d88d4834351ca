"""The package's layers hold: the sandbox imports only the standard library
(and settings, which does too), the core never imports a verb, and a verb
never imports another verb."""

import ast
import sys
from pathlib import Path

from autograder.settings import PACKAGE_ROOT


def imports_of(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative ones resolved)."""
    module = ".".join(("autograder",) + path.relative_to(PACKAGE_ROOT).with_suffix("").parts)
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            found.add(name)
            found |= {f"{name}.{alias.name}" for alias in node.names}
    return found


def files(sub: str) -> list[Path]:
    folder = PACKAGE_ROOT / sub
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [folder.with_suffix(".py")]


def test_sandbox_imports_only_the_standard_library():
    for path in files("sandbox") + files("settings"):
        outside = {
            name
            for name in imports_of(path)
            if name.split(".")[0] not in sys.stdlib_module_names
            and name != "autograder"  # `from autograder import settings`
            and not name.startswith(("autograder.sandbox", "autograder.settings"))
        }
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_core_never_imports_a_verb():
    for path in files("core"):
        verbs = {n for n in imports_of(path) if n.startswith("autograder.verbs")}
        assert not verbs, f"core/{path.name} imports {sorted(verbs)}"


def test_a_verb_never_imports_another_verb():
    for path in files("verbs"):
        own = f"autograder.verbs.{path.stem}"
        others = {
            n
            for n in imports_of(path)
            if n.startswith("autograder.verbs.")
            and not n.startswith(own)
            and n != "autograder.verbs.__init__"
        }
        assert not others, f"verbs/{path.name} imports {sorted(others)}"
