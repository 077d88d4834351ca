"""Known-wrong variants (mutants) and other correct answers (alternatives) of
an assignment's solution, kept as data in assignments/<hw>/mutants.py: each
replaces whole functions, methods, classes or top-level assignments of one
solution file, found by (qualified) name, so they do not break when the
solution's formatting changes. Never shipped: not in the template or the zip."""

import ast
import importlib.util
import shutil
import textwrap
from pathlib import Path
from types import ModuleType

from autograder.settings import COURSE


def load(hw: str) -> ModuleType:
    """The assignment's mutants.py as a module (FILE, MUTANTS, ALTERNATIVES)."""
    path = COURSE.assignments / hw / "mutants.py"
    spec = importlib.util.spec_from_file_location(f"mutants_{hw}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def named_nodes(tree: ast.Module) -> dict[str, ast.stmt]:
    """'f', 'Class', 'Class.method', 'CONSTANT' -> its statement."""
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = node
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        found[f"{node.name}.{item.name}"] = item
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            found[node.targets[0].id] = node
    return found


def apply(source: str, replace: dict[str, str]) -> str:
    """`source` with each named definition replaced by the given code (written at
    column 0; indented like the definition it replaces). A name the source
    does not define is an error, so a mutant cannot silently become the
    solution. Code under the name "+" is added at the end of the file."""
    lines = source.splitlines(keepends=True)
    nodes = named_nodes(ast.parse(source))
    spans = []
    for name, code in replace.items():
        if name == "+":
            continue
        assert name in nodes, f"the solution defines no {name!r}; it defines {sorted(nodes)}"
        node = nodes[name]
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        indent = " " * node.col_offset
        spans.append(
            (
                first - 1,
                node.end_lineno,
                textwrap.indent(
                    textwrap.dedent(code).rstrip() + "\n", indent, lambda line: line.strip() != ""
                ),
            )
        )
    for start, end, text in sorted(spans, reverse=True):
        lines[start:end] = [text]
    result = "".join(lines)
    if "+" in replace:
        result = result.rstrip() + "\n\n\n" + textwrap.dedent(replace["+"]).rstrip() + "\n"
    ast.parse(result)
    return result


def write(hw: str, dest: Path, replace: dict[str, str], file: str | None = None) -> Path:
    """Copy the reference solution to `dest`, with `replace` applied to its file."""
    file = file or load(hw).FILE
    shutil.copytree(COURSE.solutions / hw, dest, ignore=shutil.ignore_patterns("__pycache__"))
    path = dest / file
    path.write_text(apply(path.read_text(), replace))
    return dest
