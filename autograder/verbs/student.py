"""`python -m autograder student [hw ...]`: regenerate student_template/.

For each assignment, writes student_template/<hw>/ from the single sources:
  - every file of solutions/<hw>/ (but trained weights, *.pt and *.pth), with
    each `# BEGIN SOLUTION` ... `# END SOLUTION` block replaced by
    `raise NotImplementedError("<where>")`;
  - the handout (assignments/<hw>/README.md) and config.toml;
  - tests/: the public test cases only (hidden cases and their probes removed),
    and the helper modules of tests/support/ that those public cases load.
"""
import ast
import shutil
from pathlib import Path

from ..core.assignment import SUPPORT_DIR, public_source, support_needed
from ..notebook import write_notebook
from ..settings import COURSE, all_assignments, require_course

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
ANSWER_FILES = (".pt", ".pth")  # trained weights are part of the answer: never in the template


def enclosing_names(source: str) -> dict[int, str]:
    """Line number -> qualified name of the innermost function around it."""
    names: dict[int, str] = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.ClassDef)):
                qual = f"{prefix}{child.name}"
                if isinstance(child, ast.FunctionDef):
                    for line in range(child.lineno, child.end_lineno + 1):
                        names[line] = qual
                visit(child, qual + ".")
    visit(ast.parse(source), "")
    return names


def strip_solutions(source: str, filename: str) -> str:
    names = enclosing_names(source)
    out, inside = [], False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if inside:
                raise ValueError(f"{filename}:{number}: nested {BEGIN}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            where = names.get(number)
            out.append(f'{indent}raise NotImplementedError("{where}")\n' if where else
                       f"{indent}# TODO: your code here (see the handout)\n")
        elif stripped.startswith(END):
            if not inside:
                raise ValueError(f"{filename}:{number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{filename}: {BEGIN} is never closed")
    return "".join(out)


def build(hw: str, target: Path) -> None:
    """Write the template of one assignment into `target` (replacing it)."""
    solutions, assignment = COURSE.solutions / hw, COURSE.assignments / hw
    if target.exists():
        shutil.rmtree(target)
    (target / "tests").mkdir(parents=True)
    for path in sorted(solutions.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in ANSWER_FILES:
            continue
        dest = target / path.relative_to(solutions)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".py":
            dest.write_text(strip_solutions(path.read_text(), path.name))
        else:
            shutil.copy(path, dest)
    for name in ("README.md", "config.toml"):
        shutil.copy(assignment / name, target / name)
    public = {}
    for path in sorted((assignment / "tests").glob("*.py")):
        source = public_source(path)
        if source is not None:
            public[path.name] = source
            (target / "tests" / path.name).write_text(source)
    for path in support_needed(list(public.values()), assignment / "tests"):
        (target / "tests" / SUPPORT_DIR).mkdir(exist_ok=True)
        shutil.copy(path, target / "tests" / SUPPORT_DIR / path.name)
    write_notebook(hw, target)  # <hw>.ipynb where there is one student file (hw1..hw6)


def main(hws: list[str]) -> int:
    require_course("student")
    for hw in hws or all_assignments():
        build(hw, COURSE.template / hw)
        print(f"wrote {COURSE.template / hw}/")
    return 0
