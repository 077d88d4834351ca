"""The tamper scan: code in a submission that reaches for the grader's machinery.

A submission controls its whole worker process, so anything the worker
computes can be forged. Before the worker starts, the grader reads every .py
file of the submission copy (a notebook's code cells included: they become a
.py first) and lists the lines that reach for what only the grader should
touch: the probe modules and `sys.modules`, frames and `gc`, the worker's
stdin/stdout and file descriptors, `ctypes`, patching builtins, torch or other
libraries, the probe cache, and `exec`/`eval`/`compile` of computed strings.
Honest homework needs none of these. What is found is listed for a person to
review; by default (`[review] on_tamper = "zero"`) the submission scores 0.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

from .. import notebook

# modules no homework needs, that reach into the process itself
FORBIDDEN_MODULES = {
    "ctypes",
    "_ctypes",
    "cffi",
    "builtins",
    "__builtin__",
    "_thread",
    "marshal",
    "_io",
    "_posixsubprocess",
    "runpy",
}
# sys/inspect/os attributes that read frames, trace code or touch raw file descriptors
FRAME_CALLS = {
    "_getframe",
    "_current_frames",
    "_current_exceptions",
    "settrace",
    "setprofile",
    "currentframe",
    "stack",
    "getouterframes",
    "getinnerframes",
    "trace",
    "addaudithook",
    "monitoring",
    "get_objects",
    "get_referrers",
    "get_referents",
}
FRAME_ATTRS = {
    "f_back",
    "f_globals",
    "f_locals",
    "f_builtins",
    "tb_frame",
    "gi_frame",
    "cr_frame",
    "ag_frame",
    "__globals__",
    "probe_function",
}
FD_CALLS = {
    "write",
    "writev",
    "pwrite",
    "pwritev",
    "dup",
    "dup2",
    "fdopen",
    "sendfile",
    "splice",
    "openpty",
    "set_inheritable",
    "read",
    "readv",
}
STREAMS = {"stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__"}
EXECUTORS = {"exec", "eval", "compile"}
# a notebook's check cells import the first; the project's train.py the second
ALLOWED_GRADER = {"autograder.notebook", "autograder.datasets"}
BINARY_SUFFIXES = {".so", ".pyd", ".pyc", ".pyo", ".dylib", ".dll"}
# torch settings honest code may change (they are the submission's own business)
SETTINGS_OK = ("torch.backends.",)
CACHE_NAMES = ("__autograder_probe_cache__", "probe_cache")
FD_PATHS = ("/proc/self/fd", "/dev/fd/", "/proc/self/mem", "/proc/self/environ")


@dataclass(frozen=True)
class Finding:
    where: str  # "myrelu.py:12" or "hw1_autograd.ipynb, code cell 3, line 2"
    reason: str  # plain words
    code: str = ""  # the line itself, shortened

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" + (f" (`{self.code}`)" if self.code else "")


def dotted(node: ast.AST) -> str:
    """`a.b.c` for an attribute chain on a name, else ''."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "__import__"
    ):
        return ".".join(["__import__()", *reversed(parts)])
    return ""


class Scanner(ast.NodeVisitor):
    def __init__(self, local_modules: set[str], probe_modules: set[str], probe_names: set[str]):
        self.local = local_modules  # the submission's own modules: patching them is fine
        self.probe_modules = probe_modules
        self.probe_names = probe_names
        self.imported: dict[str, str] = {}  # name bound by an import -> what it names
        self.found: list[tuple[int, str]] = []

    def flag(self, node: ast.AST, reason: str) -> None:
        self.found.append((getattr(node, "lineno", 0), reason))

    def resolve(self, name: str) -> str:
        """`np.random.x` -> `numpy.random.x` through the file's imports."""
        head, _, rest = name.partition(".")
        full = self.imported.get(head, head if head in ("sys", "os") else "")
        return f"{full}.{rest}" if full and rest else full

    def external(self, name: str) -> bool:
        return bool(name) and name.split(".")[0] not in self.local

    def check_module(self, node: ast.AST, module: str) -> None:
        top = module.split(".")[0]
        if module in FORBIDDEN_MODULES or top in FORBIDDEN_MODULES:
            self.flag(node, f"imports `{module}`, which reaches into the grading process")
        elif set(module.split(".")) & self.probe_modules:
            self.flag(node, f"imports the grader's test module `{module}`")
        elif top == "autograder" and module not in ALLOWED_GRADER:
            self.flag(node, f"imports the grader's own module `{module}`")

    # -- imports --------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.check_module(node, alias.name)
            bound = alias.asname or alias.name.split(".")[0]
            self.imported[bound] = alias.name if alias.asname else bound
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level == 0 and module == "autograder":  # `from autograder import datasets`
            for alias in node.names:
                self.check_module(node, f"autograder.{alias.name}")
        elif node.level == 0:
            self.check_module(node, module)
            for alias in node.names:
                if module == "sys" and alias.name in ("modules", "stdin", "__stdin__"):
                    self.flag(node, f"imports `sys.{alias.name}`, the grader's machinery")
                if alias.name in FRAME_CALLS and module in ("sys", "inspect", "gc"):
                    self.flag(
                        node,
                        f"imports `{module}.{alias.name}`, which reads the "
                        f"grading process's frames or objects",
                    )
                if module == "os" and alias.name in FD_CALLS:
                    self.flag(
                        node, f"imports `os.{alias.name}`, which works on raw file descriptors"
                    )
                self.imported[alias.asname or alias.name] = f"{module}.{alias.name}"
        self.generic_visit(node)

    # -- names and attributes -----------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__builtins__":
            self.flag(node, "uses `__builtins__`")
        elif any(c in node.id for c in CACHE_NAMES):
            self.flag(node, f"uses the name `{node.id}`, like the grader's probe cache")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            if any(c in node.value for c in CACHE_NAMES):
                self.flag(node, "names the grader's probe cache")
            elif any(p in node.value for p in FD_PATHS):
                self.flag(node, "opens the process's own file descriptors or memory")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.resolve(dotted(node))
        if name in ("sys.modules", "sys.stdin", "sys.__stdin__") and isinstance(node.ctx, ast.Load):
            self.flag(node, f"uses `{name}`, the grader's machinery")
        elif node.attr in FRAME_ATTRS:
            self.flag(node, f"reads `.{node.attr}`, the inside of the grader's functions or frames")
        elif node.attr in FRAME_CALLS and name.split(".")[0] in ("sys", "inspect", "gc"):
            self.flag(node, f"uses `{name}`, which reads the grading process's frames or objects")
        elif name.startswith("os.") and node.attr in FD_CALLS:
            self.flag(node, f"uses `{name}`, which works on raw file descriptors")
        self.generic_visit(node)

    # -- assignments: patching other modules ------------------------------------------
    def check_target(self, target: ast.AST) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.check_target(element)
            return
        if isinstance(target, ast.Starred):
            return self.check_target(target.value)
        if not isinstance(target, ast.Attribute):
            return
        name = self.resolve(dotted(target))
        if name.startswith("sys.") and target.attr in STREAMS:
            self.flag(target, f"replaces `{name}`, the grader's channel")
        elif self.external(name) and not name.startswith(SETTINGS_OK):
            self.flag(target, f"changes `{name}`, which belongs to a library or the grader")
        elif target.attr in self.probe_names and dotted(target.value) not in ("self", "cls"):
            self.flag(target, f"replaces `.{target.attr}`, named like a grader probe")

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.check_target(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.check_target(node.target)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.check_target(node.target)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self.check_target(target)
        self.generic_visit(node)

    # -- calls -------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = self.resolve(dotted(node.func)) or dotted(node.func)
        first = node.args[0] if node.args else None
        if func in EXECUTORS and not (
            isinstance(first, ast.Constant) and isinstance(first.value, str)
        ):
            self.flag(node, f"runs code built at run time with `{func}()`")
        elif func == "__import__" or func == "importlib.__import__":
            self.flag(node, "imports with `__import__()`")
        elif func in ("importlib.import_module", "importlib.reload"):
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                self.flag(node, f"imports a module named at run time with `{func}()`")
            else:
                self.check_module(node, first.value)
        elif func in ("setattr", "delattr") and first is not None:
            target = self.resolve(dotted(first))
            if target == "sys" or (self.external(target) and not target.startswith(SETTINGS_OK)):
                self.flag(
                    node,
                    f"changes `{target}` with `{func}()`, which belongs to a library or the grader",
                )
        elif func == "open" and isinstance(first, ast.Constant) and isinstance(first.value, int):
            self.flag(node, "opens a raw file descriptor")
        self.generic_visit(node)


def probe_names_of(test_sources: list[str]) -> set[str]:
    """Names of the @probe functions of some test files."""
    trees = []
    for source in test_sources:
        try:
            trees.append(ast.parse(source))
        except SyntaxError:
            continue
    return probe_names_in(trees)


def probe_names_in(trees: list[ast.Module]) -> set[str]:
    """Names of the @probe functions of some parsed test files."""
    names = set()
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(
                (isinstance(d, ast.Name) and d.id == "probe")
                or (isinstance(d, ast.Attribute) and d.attr == "probe")
                for d in node.decorator_list
            ):
                names.add(node.name)
    return names


def scan_source(
    source: str,
    label: str,
    *,
    local_modules: set[str] = frozenset(),
    probe_modules: set[str] = frozenset(),
    probe_names: set[str] = frozenset(),
    cells: list | None = None,
) -> list[Finding]:
    """Findings for one file's text; `cells` (notebook.cell_starts) maps lines to cells."""
    scanner = Scanner(set(local_modules), set(probe_modules), set(probe_names))
    try:
        scanner.visit(ast.parse(source))
    except (SyntaxError, ValueError):
        return []  # it cannot run either: its import fails and says why
    except (RecursionError, MemoryError):  # honest code is never nested this deep
        return [Finding(label, "is nested too deeply for the grader to read")]
    lines = source.splitlines()
    findings = []
    for lineno, reason in dict.fromkeys(scanner.found):
        code = lines[lineno - 1].strip()[:80] if 0 < lineno <= len(lines) else ""
        if cells:
            number, line, _ = notebook.locate(cells, lineno)
            where = f"{label}, code cell {number}, line {line}"
        else:
            where = f"{label}:{lineno}"
        findings.append(Finding(where, reason, code))
    return findings


def scan_folder(
    folder: Path, probe_modules: set[str] = frozenset(), probe_names: set[str] = frozenset()
) -> list[Finding]:
    """Findings for every file of a submission (a copy the grader made)."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    local = {p.stem for p in files if p.suffix == ".py"} | {
        p.name for p in folder.rglob("*") if p.is_dir() and not p.is_symlink()
    }
    local -= set(probe_modules) | {"autograder", "torch", "numpy", "sys", "os"}
    findings = []
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if path.parent.name == "tests" and path.stem in probe_modules:
            continue  # the public tests handed out: importing them is flagged instead
        if path.suffix in BINARY_SUFFIXES or ".so." in path.name:
            findings.append(Finding(rel, "is compiled code, which the grader cannot read"))
            continue
        if path.suffix != ".py":
            continue
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        cells = notebook.cell_starts(path)
        label = rel
        if cells:  # written from a notebook: name the notebook's cells
            label = source.splitlines()[0].removeprefix(notebook.MARKER).split(":")[0]
        findings += scan_source(
            source,
            label,
            local_modules=local,
            probe_modules=probe_modules,
            probe_names=probe_names,
            cells=cells,
        )
    return findings
