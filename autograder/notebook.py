"""The notebook edition of an assignment (hw1 to hw6: one student file each).

- `build_notebook`: `<hw>.ipynb` from the same sources as the .py template: the
  handout as markdown cells, the file's code cut into cells at each top-level
  def/class, and after the last cell a question needs, a check cell.
- `check(question)`: what a check cell calls. It runs the question's public
  tests (tests/ beside the notebook) on the notebook's globals, in-process as
  under otter, and prints the report the command line prints.
- `write_module`: the grader's side. A submission folder with the notebook but
  not the .py is graded from the notebook's code cells (check cells, shell
  lines and magics left out), joined in order with a header line per cell;
  `relabel` turns "myrelu.py, line 57" in messages back into "code cell 5, line 3".

Why not `otter.Notebook().check`: our test files do run under it unchanged
(the Gradescope zip relies on that), but it prints otter's own summary (the
judge's source line and exception type, cases named "q1_forward - 1") rather
than ours, and it needs otter-grader and its dependencies on the student's
machine. Our check is a few lines over the engine's own pieces.
"""

import ast
import io
import json
import re
import sys
import time
import tokenize
import tomllib
import traceback
from pathlib import Path

CHECK_TAG = "check"  # metadata tag of check cells (for people and tools; lines decide)
MARKER = "# Written by the grader from "
HEADER = re.compile(r"# --- code cell (\d+) ---$")
# a check cell's lines, wherever they are: they run the tests, not the student's code
CHECK_LINE = re.compile(
    r"(from autograder\.notebook import check|check\(\s*[\"']\w+[\"'].*\))"
    r"\s*(#.*)?$"
)

SETUP = """\
**The notebook edition of `{module}`.** Write your code in the code cells below:
every unfinished part raises `NotImplementedError` naming itself. After the
cells a question needs comes a check cell: it runs that question's public
tests on what this notebook defines and prints PASS or FAIL, what was expected
and what your code gave (the same report as `autograder check`).
Run the cells from the top (Run All); after a change, run the changed cell and
its check again.

**Jupyter:** keep this notebook in the folder you were given, beside `tests/`
and `config.toml`, with torch and the grader installed.

**Colab:** upload `tests/` (the whole folder) and `config.toml` (and `grader/`
if you were given one) into the Files pane, so they sit in `/content` beside
the notebook, and install the grader with the set-up lines of *Check your
work* below, each in a code cell starting with `!`.

**Handing in:** submit `{hw}.ipynb` (or `{module}`; if both are there, the
`.py` is graded). The notebook is graded as one file:
every code cell in order, top to bottom, with check cells, `!shell` lines,
`%magics` and `%%cell magics` left out. Put long experiments under
`if __name__ == "__main__":` (true here, false when graded). A cell that fails
to run costs the tests that need it (the message names the cell). Hidden
tests run only when you are graded."""


# -- building the notebook ------------------------------------------------------
def code_cells(source: str) -> list[tuple[str, set[str]]]:
    """The file cut at each top-level def/class (with its decorators and the
    comments just above it): (code, names the cell defines), in order."""
    lines = source.splitlines()
    tree = ast.parse(source)
    starts, names = [0], [set()]
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            while start > starts[-1] and lines[start - 1].lstrip().startswith("#"):
                start -= 1
            starts.append(start)
            names.append({node.name})
        else:
            names[-1] |= {
                n.id
                for n in ast.walk(node)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
    cells = []
    for i, start in enumerate(starts):
        code = "\n".join(lines[start : starts[i + 1] if i + 1 < len(starts) else len(lines)])
        if code.strip():
            cells.append((code.strip("\n"), names[i]))
    return cells


def uses(source: str) -> dict[str, set[str]]:
    """Top-level name -> the other top-level names its definition refers to."""
    tree = ast.parse(source)
    refer = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            refer[node.name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return refer


def probe_names(test_source: str) -> set[str]:
    """The student's names a test file's probes take as arguments."""
    names = set()
    for node in ast.parse(test_source).body:
        if isinstance(node, ast.FunctionDef) and any(
            (isinstance(d, ast.Name) and d.id == "probe")
            or (isinstance(d, ast.Attribute) and d.attr == "probe")
            for d in node.decorator_list
        ):
            names |= {a.arg for a in node.args.args} - {"env", "submission"}
    return names


def closure(names: set[str], refer: dict[str, set[str]]) -> set[str]:
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += refer.get(name, set())
    return seen


def markdown_cells(handout: str) -> list[str]:
    """The handout cut at its `## ` headings."""
    parts, current = [], []
    for line in handout.splitlines():
        if line.startswith("## ") and current:
            parts.append("\n".join(current).strip("\n"))
            current = []
        current.append(line)
    parts.append("\n".join(current).strip("\n"))
    return [p for p in parts if p]


def build_notebook(hw: str, module: str, source: str, handout: str, tests: dict[str, str]) -> str:
    """The notebook's JSON text: `source` is the student file (stub or solution),
    `tests` maps each public question to its test file's text. Deterministic:
    fixed cell ids, no outputs, no execution counts."""
    import nbformat  # only where notebooks are written, not where they are graded

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    cells = [nbformat.v4.new_markdown_cell(text) for text in markdown_cells(handout)]
    cells.insert(1, nbformat.v4.new_markdown_cell(SETUP.format(hw=hw, module=module)))
    cells.append(
        nbformat.v4.new_code_cell(
            "from autograder.notebook import check  # runs a question's public tests here",
            metadata={"tags": [CHECK_TAG]},
        )
    )
    pieces = code_cells(source)
    refer = uses(source)
    last_needed: dict[int, list[str]] = {}
    for question, text in tests.items():
        needed = closure(probe_names(text), refer)
        where = max(
            (i for i, (_, defined) in enumerate(pieces) if defined & needed),
            default=len(pieces) - 1,
        )
        last_needed.setdefault(where, []).append(question)
    for i, (code, _) in enumerate(pieces):
        cells.append(nbformat.v4.new_code_cell(code))
        for question in last_needed.get(i, []):
            doc = (ast.get_docstring(ast.parse(tests[question])) or "").splitlines()
            comment = f"# {doc[0]}\n" if doc else ""
            cells.append(
                nbformat.v4.new_code_cell(
                    f'{comment}check("{question}")', metadata={"tags": [CHECK_TAG]}
                )
            )
    for number, cell in enumerate(cells, start=1):
        cell.id = f"cell-{number:02d}"
    nb.cells = cells
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def write_notebook(hw: str, target: Path, *, solution: bool = False) -> Path | None:
    """`target/<hw>.ipynb` from the repository's sources, for an assignment with
    one student file (None for others): the stub, or the solution filled in."""
    from .core.assignment import public_source, strip_solutions
    from .settings import COURSE

    assignment = COURSE.assignments / hw
    files = tomllib.loads((assignment / "config.toml").read_text())["files"]
    if len(files) != 1 or not files[0].endswith(".py"):
        return None
    source = (COURSE.solutions / hw / files[0]).read_text()
    if not solution:
        source = strip_solutions(source, files[0])
    tests = {
        p.stem: public_source(p)
        for p in sorted((assignment / "tests").glob("*.py"))
        if not p.name.startswith("_")
    }  # the question files, as test_files() finds them
    text = build_notebook(
        hw,
        files[0],
        source,
        (assignment / "README.md").read_text(),
        {k: v for k, v in tests.items() if v is not None},
    )
    path = Path(target) / f"{hw}.ipynb"
    path.write_text(text, encoding="utf-8")
    return path


# -- grading a notebook ---------------------------------------------------------
def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def module_source(notebook: dict, name: str) -> str:
    """The code cells as one Python file; each starts with a header line, so a
    line of the file can be traced back to its cell."""
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("it has no list of cells")
    out = [f"{MARKER}{name}: its code cells, one after the other"]
    number = 0
    for cell in notebook["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        code = cell_source(cell)
        if code.lstrip().startswith("%%"):
            continue
        out.append(f"# --- code cell {number} ---")
        lines = code.splitlines()
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            if (
                stripped.startswith(("!", "%")) or (CHECK_LINE.match(line) and line == stripped)
            ) and starts_statement(lines[:i]):
                # IPython or the check; `pass` keeps the line count and any block around it
                lines[i] = line[: len(line) - len(stripped)] + "pass  # left out: " + stripped[:60]
        out += lines
    return "\n".join(out) + "\n"


def starts_statement(before: list[str]) -> bool:
    """Whether the next line starts a statement (as IPython reads `!`/`%`), not
    continues one: `% x` inside brackets is Python's modulo."""
    try:
        list(tokenize.generate_tokens(io.StringIO("\n".join(before) + "\n").readline))
    except (tokenize.TokenError, SyntaxError):  # open brackets, string or backslash
        return False
    return True


def write_module(folder: Path, hw: str, files: list[str]) -> list[str]:
    """Where the one student file is missing but a notebook is there, write the
    file from the notebook. Returns problems in plain words."""
    modules = [f for f in files if f.endswith(".py")]
    if len(modules) != 1 or (folder / modules[0]).exists():
        return []
    notebooks = sorted(folder.glob("*.ipynb"))
    chosen = folder / f"{hw}.ipynb"
    if not chosen.is_file():
        if len(notebooks) != 1:
            return (
                []
                if not notebooks
                else [
                    f"Your submission has no {modules[0]} and several notebooks "
                    f"({', '.join(p.name for p in notebooks[:5])}): name the one to grade {hw}.ipynb."
                ]
            )
        chosen = notebooks[0]
    try:
        source = module_source(json.loads(chosen.read_text(encoding="utf-8")), chosen.name)
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:  # not nbformat
        return [
            f"{chosen.name} could not be read as a Jupyter notebook ({exc}), "
            f"so there was no code to grade."
        ]
    (folder / modules[0]).write_text(source, encoding="utf-8")
    return []


def cell_starts(path: Path) -> list[tuple[int, int, str]] | None:
    """(file line of the header, cell number, the cell's first line) for a file
    written by `module_source`; None for any other file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or not lines[0].startswith(MARKER):
        return None
    starts = []
    for i, line in enumerate(lines):
        match = HEADER.match(line)
        if match:
            first = next((x.strip() for x in lines[i + 1 :] if x.strip()), "")
            starts.append((i + 1, int(match.group(1)), first[:60]))
    return starts


def locate(starts: list[tuple[int, int, str]], lineno: int) -> tuple[int, int, str]:
    """File line -> (cell number, line within the cell, the cell's first line)."""
    header, number, first = max((s for s in starts if s[0] < lineno), default=(1, 0, ""))
    return number, lineno - header, first


def relabel(text: str, exc: BaseException, student_dir: Path) -> str:
    """A message about a file written from a notebook, in the notebook's terms."""
    if isinstance(exc, SyntaxError) and exc.filename:
        lines = [(exc.filename, exc.lineno)]
    else:
        lines = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    firsts: dict[Path, int] = {}  # file -> line of its outermost frame (the cell that ran)
    for filename, lineno in lines:
        path = Path(filename).resolve()
        if path.is_relative_to(student_dir) and path not in firsts and lineno:
            firsts[path] = lineno
    for path, top in firsts.items():
        starts = cell_starts(path)
        if not starts:
            continue
        name = re.escape(path.name)

        def cell(match: re.Match[str], phrase: str) -> str:
            number, line, first = locate(starts, int(match.group(1)))
            return phrase.format(number=number, line=line, first=first)

        text = re.sub(
            rf"{name} has a syntax error on line (\d+)",
            lambda m: cell(
                m,
                "code cell {number} (the one that starts `{first}`) has a syntax error "
                "on its line {line}",
            ),
            text,
        )
        text = re.sub(
            rf"{name}, line (\d+)", lambda m: cell(m, "code cell {number}, line {line}"), text
        )
        if f"Importing {path.name} failed." in text:
            number, _, first = locate(starts, top)
            text = text.replace(
                f"Importing {path.name} failed.",
                f"Code cell {number} of your notebook (the one that starts "
                f"`{first}`) failed to run.",
            )
    return text


# -- the check cell -------------------------------------------------------------
def check(question: str, env: dict | None = None, folder: str | Path | None = None) -> None:
    """Run one question's public tests on the notebook's names (default: the
    caller's globals) and print the report `python -m autograder check` prints."""
    from .core.assignment import config, read_name, use_folder
    from .core.engine import CaseResult, Report, collect_cases, judge, load_test_module
    from .core.report import format_report
    from .testing import seed_everything

    folder = Path(folder or Path.cwd()).resolve()
    path = folder / "tests" / f"{question}.py"
    if not path.is_file():
        print(
            f"No public tests for {question} here: put the tests/ folder you were given "
            f"beside this notebook (looked for {path})."
        )
        return
    if read_name(folder) is None:
        print(
            f"No config.toml naming the assignment in {folder}: put the config.toml you "
            f"were given beside this notebook."
        )
        return
    hw = use_folder(folder)  # its config and tests, whatever else is installed
    env = dict(sys._getframe(1).f_globals if env is None else env)  # fresh probe cache
    try:
        cases = collect_cases(load_test_module(hw, path))
    except Exception as exc:  # noqa: BLE001  (a damaged tests/ folder, not the student's code)
        print(
            f"The tests in {path} could not be loaded ({type(exc).__name__}: {exc}); "
            f"get a fresh copy of the tests/ folder you were given."
        )
        return
    started = time.monotonic()
    report = Report(hw=hw, submission=folder.name)
    for case, attr in cases:
        if case.hidden:
            continue
        doc = (case.test_func.__doc__ or "").strip().splitlines()
        result = CaseResult(
            file=question,
            name=case.name or attr.removeprefix("test_"),
            description=doc[0] if doc else "",
            points=float(case.points or 0),
            hidden=False,
        )
        seed_everything(config(hw).seed)  # as the engine does before each case
        result.message, result.note = judge(case, env)
        result.score = 0.0 if result.message else result.points
        report.cases.append(result)
    report.seconds = time.monotonic() - started
    print(format_report(report, public_only=True))
