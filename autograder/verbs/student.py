"""`python -m autograder student [hw ...]`: regenerate student_template/.

For each assignment, writes student_template/<hw>/ from the single sources:
  - every file of solutions/<hw>/ (but trained weights, *.pt and *.pth), with
    each `# BEGIN SOLUTION` ... `# END SOLUTION` block replaced by
    `raise NotImplementedError("<where>")`;
  - the handout (assignments/<hw>/README.md) and config.toml;
  - tests/: the public test cases only (hidden cases and their probes removed),
    and the helper modules of tests/support/ that those public cases load.
"""

import argparse
import shutil
from pathlib import Path

from ..core.assignment import SUPPORT_DIR, public_source, strip_solutions, support_needed
from ..notebook import write_notebook
from ..settings import COURSE, all_assignments, require_course

ANSWER_FILES = (".pt", ".pth")  # trained weights are part of the answer: never in the template


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


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("hw", nargs="*", help="assignments (default: all)")


def run(args: argparse.Namespace) -> int:
    return main(args.hw)
