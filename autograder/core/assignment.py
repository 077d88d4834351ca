"""Where an assignment lives, its config, its test files and their helper
modules, and what of them may be shown to the worker or to students."""

import ast
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import COURSE, ENV_ASSIGNMENTS, IN_COURSE, PACKAGE_ROOT, REPO_ROOT, env  # noqa: F401

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"  # around answers in solutions/
SUPPORT_DIR = "support"  # tests/support/<name>.py: helpers of one assignment's tests

_chosen: dict[str, Path] = {}  # hw -> folder named on the command line (see use_folder)


class UnknownAssignment(LookupError):
    pass


def read_name(folder: Path) -> str | None:
    """The assignment a folder holds, from its config.toml (None if it holds none)."""
    config_file = Path(folder) / "config.toml"
    if not config_file.is_file():
        return None
    try:
        return tomllib.loads(config_file.read_text()).get("name")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None


def use_folder(folder: Path) -> str:
    """Grade against this assignment folder (a student's: its config and public
    tests), whatever else lies around. Returns the assignment's name."""
    hw = read_name(folder)
    if hw is None:
        raise UnknownAssignment(f"{folder} holds no config.toml naming an assignment.")
    _chosen[hw] = Path(folder).resolve()
    return hw


def candidate_dirs(hw: str) -> list[Path]:
    """Places an assignment folder may be: one chosen with use_folder, the
    instructor's repo, a student's assignment folder, or the directory otter
    copies support files into."""
    places = [_chosen[hw]] if hw in _chosen else []
    if env(ENV_ASSIGNMENTS):
        places.append(Path(env(ENV_ASSIGNMENTS)) / hw)
    places += [COURSE.assignments / hw] if IN_COURSE else []
    here = Path.cwd()
    return places + [here / "assignments" / hw, here / hw, here]


def find_assignment_dir(hw: str) -> Path:
    for place in candidate_dirs(hw):
        if read_name(place) == hw:
            return place
    if IN_COURSE:
        known = ", ".join(sorted(p.parent.name for p in COURSE.assignments.glob("*/config.toml")))
        raise UnknownAssignment(f"Unknown assignment '{hw}'. Known assignments: {known}.")
    raise UnknownAssignment(
        f"No folder for assignment '{hw}' here: run the command inside "
        f"the assignment folder you were given (the one with "
        f"config.toml), or name that folder."
    )


@dataclass
class Config:
    name: str
    title: str
    files: list[str]
    scripts: list[str] = field(default_factory=list)  # of `files`: run, never imported at start
    seed: int = 0
    threads: int = 1
    import_timeout: float = 60.0
    test_timeout: float = 30.0
    submission_timeout: float = 900.0
    timeouts: dict = field(default_factory=dict)  # per test file stem
    params: dict = field(default_factory=dict)  # numbers the tests use
    limits: dict = field(default_factory=dict)  # [limits]: see sandbox.Limits
    review: dict = field(default_factory=dict)  # [review]: on_tamper = "zero" | "flag"

    @property
    def on_tamper(self) -> str:
        """What a tamper finding does to the score: "zero" (the default) or "flag" only."""
        choice = self.review.get("on_tamper", "zero")
        if choice not in ("zero", "flag"):
            raise ValueError(f'[review] on_tamper must be "zero" or "flag", not {choice!r}')
        return choice

    def __getitem__(self, key: str):
        return self.params[key]

    def timeout_for(self, test_file_stem: str) -> float:
        return float(self.timeouts.get(test_file_stem, self.test_timeout))

    @property
    def modules(self) -> list[str]:
        """The student's modules the worker imports before any test: every .py of `files`
        but the scripts (a train.py that trains when imported costs only the case that
        imports it, not every test)."""
        return [Path(f).stem for f in self.files if f.endswith(".py") and f not in self.scripts]


def config(hw: str | None = None) -> Config:
    """The assignment's config.toml: points live in the tests, every other number here.
    A test file calls `config()`: its assignment is the one it belongs to."""
    if hw is None:
        hw = assignment_of(sys._getframe(1).f_code.co_filename)
    data = tomllib.loads((find_assignment_dir(hw) / "config.toml").read_text())
    return Config(**data)


def assignment_of(test_file: str) -> str:
    """The assignment a test file belongs to: the config.toml above its tests/
    folder; in the worker (probes beside no config) and under otter (test files
    run from a string), the one assignment folder the grader provided."""
    path = Path(test_file)
    if path.is_file() and read_name(path.resolve().parent.parent):
        return read_name(path.resolve().parent.parent)
    for base in ([Path(env(ENV_ASSIGNMENTS))] if env(ENV_ASSIGNMENTS) else []) + [
        Path.cwd() / "assignments"
    ]:
        names = [read_name(p.parent) for p in sorted(base.glob("*/config.toml"))]
        if len(names) == 1 and names[0]:
            return names[0]
    raise UnknownAssignment(
        f"Cannot tell which assignment {path.name} belongs to: it is not in "
        f'an assignment\'s tests/ folder; name it: config("<hw>").'
    )


def test_files(hw: str, tests_dir: Path | None = None) -> list[Path]:
    tests_dir = tests_dir or find_assignment_dir(hw) / "tests"
    return sorted(p for p in tests_dir.glob("*.py") if not p.name.startswith("_"))


def support_needed(sources: list[str], tests_dir: Path) -> list[Path]:
    """The helper modules (tests/support/<name>.py, loaded with `support("name")`)
    that these test sources need, and those that the helpers need in turn."""
    needed: dict[str, Path] = {}
    todo = list(sources)
    while todo:
        for node in ast.walk(ast.parse(todo.pop())):
            if (
                isinstance(node, ast.Call)
                and _calls(node, "support")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                name = node.args[0].value
                path = tests_dir / SUPPORT_DIR / f"{name}.py"
                if name not in needed and path.is_file():
                    needed[name] = path
                    todo.append(path.read_text())
    return sorted(needed.values())


def _is_judge(node: ast.stmt) -> bool:
    """A test case (`@test_case` function or `x = test_case(...)(...)`)."""
    if isinstance(node, ast.FunctionDef):
        return node.name.startswith("test_") or any(
            _calls(d, "test_case") for d in node.decorator_list
        )
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
        return any(_calls(n, "test_case") for n in ast.walk(node.value))
    return False


def _calls(node: ast.AST, name: str) -> bool:
    func = node.func if isinstance(node, ast.Call) else node
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )


def _is_hidden(node: ast.stmt) -> bool:
    return any(
        isinstance(n, ast.keyword)
        and n.arg == "hidden"
        and isinstance(n.value, ast.Constant)
        and n.value.value is True
        for n in ast.walk(node)
    )


def _drop_unused_helpers(body: list[ast.stmt]) -> list[ast.stmt]:
    """Remove top-level functions nothing else refers to any more."""
    while True:
        used = {n.id for node in body for n in ast.walk(node) if isinstance(n, ast.Name)}
        used |= {n.attr for node in body for n in ast.walk(node) if isinstance(n, ast.Attribute)}
        keep = [
            node
            for node in body
            if not (
                isinstance(node, ast.FunctionDef) and not _is_judge(node) and node.name not in used
            )
        ]
        if len(keep) == len(body):
            return keep
        body = keep


def _is_probe(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef) and any(
        _calls(d, "probe") for d in node.decorator_list
    )


def _defines(node: ast.stmt) -> set[str]:
    """Top-level names a function, class or assignment binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    targets = (
        node.targets
        if isinstance(node, ast.Assign)
        else [node.target]
        if isinstance(node, (ast.AnnAssign, ast.AugAssign))
        else []
    )
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def probe_source(path: Path, tree: ast.Module | None = None) -> str:
    """What the worker ever sees of a test file: its imports, its probes and what they
    reach, transitively (helpers, constants). Judges, and helpers only judges use (a
    hidden check's reference computation), stay in the grader. (tree: the file parsed
    already; it is changed here.)"""
    tree = tree or ast.parse(path.read_text())
    body = [node for node in tree.body if not _is_judge(node)]
    definitions = [node for node in body if _defines(node) and not _is_probe(node)]
    needed = {
        n.id for node in body if _is_probe(node) for n in ast.walk(node) if isinstance(n, ast.Name)
    }
    kept: list[ast.stmt] = []
    while True:
        reached = [node for node in definitions if node not in kept and _defines(node) & needed]
        if not reached:
            break
        kept += reached
        needed |= {n.id for node in reached for n in ast.walk(node) if isinstance(n, ast.Name)}
    tree.body = [node for node in body if node in kept or not definitions.count(node)]
    return ast.unparse(tree) + "\n"


def public_source(path: Path) -> str | None:
    """The test file without hidden cases (None if nothing public is left)."""
    source = path.read_text()
    tree = ast.parse(source)
    if not any(_is_hidden(node) for node in tree.body if _is_judge(node)):
        return source  # keep the author's formatting and comments
    body = [node for node in tree.body if not (_is_judge(node) and _is_hidden(node))]
    if not any(_is_judge(node) for node in body):
        return None
    tree.body = _drop_unused_helpers(body)
    return ast.unparse(tree) + "\n"


def enclosing_names(source: str) -> dict[int, str]:
    """Line number -> qualified name of the innermost function around it."""
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
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
            out.append(
                f'{indent}raise NotImplementedError("{where}")\n'
                if where
                else f"{indent}# TODO: your code here (see the handout)\n"
            )
        elif stripped.startswith(END):
            if not inside:
                raise ValueError(f"{filename}:{number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{filename}: {BEGIN} is never closed")
    return "".join(out)
