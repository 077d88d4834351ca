"""Mutants generated from a reference solution, one per (function, argument):
the argument replaced by its default as the first statement of the body, so
the function ignores what the caller passed. Every such mutant must lose
points (issue 12: an argument that is ignored, or hard-coded to its default,
costs marks).

An argument without a default is replaced by the value the handout's example
uses (EXAMPLE_VALUES), or skipped with a stated reason (NO_EXAMPLE).

    .venv/bin/python tests/default_mutants.py hw1_autograd [hw2_logistic ...]

prints each mutant, grades it on the test files that mention its function,
and lists the survivors (mutants that still earn full marks).
"""

import ast
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO_ROOT / "solutions"
ASSIGNMENTS = REPO_ROOT / "assignments"
HOMEWORKS = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir())

# Arguments that are the object itself, or autograd's context, are never mutated.
SKIPPED_NAMES = {"self", "cls", "ctx"}

# Arguments without a default: the value the handout's example passes.
# Keys: (hw, "function" or "Class.method", argument) -> Python expression,
# evaluated in the solution module's namespace (so `torch` is available).
EXAMPLE_VALUES = {
    # hw1: the public check's x = (-1, 0.5, 2) for ReLU, the notes' x = (1, 0),
    # y = (1, 1) for grad_dot_squared; the handout has no vjp example: f(x) = 2x
    # at x = (1, 2, 3), v = 1, and an upstream gradient of ones.
    ("hw1_autograd", "MyReLU.forward", "input"): "torch.tensor([-1.0, 0.5, 2.0])",
    ("hw1_autograd", "MyReLU.backward", "grad_output"): "torch.ones_like(ctx.saved_tensors[0])",
    ("hw1_autograd", "my_relu", "x"): "torch.tensor([-1.0, 0.5, 2.0])",
    ("hw1_autograd", "grad_dot_squared", "x"): "torch.tensor([1.0, 0.0])",
    ("hw1_autograd", "grad_dot_squared", "y"): "torch.tensor([1.0, 1.0])",
    ("hw1_autograd", "vector_jacobian_product", "f"): "(lambda t: 2 * t)",
    ("hw1_autograd", "vector_jacobian_product", "x"): "torch.tensor([1.0, 2.0, 3.0])",
    ("hw1_autograd", "vector_jacobian_product", "v"): "torch.ones(3)",
    # hw3 handout: make_loader(data, 32, replacement=True, seed=7).
    ("hw3_sampler", "make_loader", "batch_size"): "32",
    ("hw3_sampler", "make_loader", "replacement"): "True",
    # project: SmallResNet's first block of the default widths, BasicBlock(16, 16).
    ("project_cifar10", "BasicBlock.__init__", "in_channels"): "16",
    ("project_cifar10", "BasicBlock.__init__", "out_channels"): "16",
}

# Arguments without a default and without a sensible example value: why skipped.
NO_EXAMPLE = {
    ("hw2_logistic", "train", "model"): "the object trained; a fixed one is not a value",
    ("hw2_logistic", "train", "loader"): "the data; no fixed loader exists in the module",
    ("hw2_logistic", "evaluate", "model"): "the object evaluated; a fixed one is not a value",
    ("hw2_logistic", "evaluate", "loader"): "the data; no fixed loader exists in the module",
    ("hw2_logistic", "LogisticRegression.forward", "x"): "the input batch; no fixed value exists",
    (
        "hw3_sampler",
        "WithReplacementSampler.__init__",
        "data_source",
    ): "the data; no fixed data set exists in the module",
    ("hw3_sampler", "make_loader", "dataset"): "the data; no fixed data set exists in the module",
    ("hw3_sampler", "epoch_coverage", "loader"): "the data; no fixed loader exists in the module",
}

# Solution files whose functions the grader never calls: their mutants cannot lose points.
UNGRADED_FILES = {
    (
        "project_cifar10",
        "train.py",
    ): "the student's training script; the grader grades model.pt and models.py, and only "
    "imports train.py (importing it must do nothing), never runs it",
}

# Test files too slow to grade once per mutant (each mutant is judged by the rest).
SLOW_TEST_FILES = {
    "project_cifar10": {"q6_accuracy"},  # evaluates model.pt on 10,000 images: minutes
}

# Mutants that cannot be told from the solution by any caller: key -> reason.
EQUIVALENT: dict[tuple[str, str, str], str] = {}


@dataclass
class Mutant:
    hw: str
    file: str  # the solution file, relative to solutions/<hw>/
    function: str  # "function" or "Class.method"
    argument: str
    value: str  # the expression the argument is replaced by
    source: str  # the whole mutated file

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.hw, self.function, self.argument)

    @property
    def name(self) -> str:
        return f"{self.hw}/{self.file}: {self.function}({self.argument} = {self.value})"


def _functions(tree: ast.Module):
    """(qualified name, FunctionDef) for module functions and class methods."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield f"{node.name}.{item.name}", item


def _arguments_with_defaults(source: str, func: ast.FunctionDef):
    """(name, default source or None) for each named argument of func."""
    args = func.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    for arg, default in pairs:
        yield arg.arg, None if default is None else ast.get_source_segment(source, default)


def _insert_assignment(source: str, func: ast.FunctionDef, name: str, value: str) -> str:
    """The source with `name = value` inserted before the first statement of
    func's body that is not its docstring."""
    body = func.body
    has_doc = (
        isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )
    first = body[1] if has_doc and len(body) > 1 else body[0]
    if has_doc and len(body) == 1:
        raise ValueError(f"{func.name} has only a docstring")
    lines = source.splitlines(keepends=True)
    indent = " " * first.col_offset
    lines.insert(first.lineno - 1, f"{indent}{name} = {value}  # default mutant\n")
    return "".join(lines)


def generate(hw: str) -> tuple[list[Mutant], list[tuple[str, str]]]:
    """All mutants of hw's solution, and (argument, reason) for each skipped one."""
    mutants, skipped = [], []
    for path in sorted((SOLUTIONS / hw).glob("*.py")):
        if (hw, path.name) in UNGRADED_FILES:
            skipped.append((path.name, UNGRADED_FILES[hw, path.name]))
            continue
        source = path.read_text()
        tree = ast.parse(source)
        for qualname, func in _functions(tree):
            for arg, default in _arguments_with_defaults(source, func):
                key = (hw, qualname, arg)
                if arg in SKIPPED_NAMES:
                    continue
                value = default if default is not None else EXAMPLE_VALUES.get(key)
                if value is None:
                    skipped.append(
                        (
                            f"{qualname}({arg})",
                            NO_EXAMPLE.get(key, "no default and no example value listed"),
                        )
                    )
                    continue
                mutants.append(
                    Mutant(
                        hw,
                        path.name,
                        qualname,
                        arg,
                        value,
                        _insert_assignment(source, func, arg, value),
                    )
                )
    return mutants, skipped


def relevant_tests(hw: str, function: str) -> list[str]:
    """The test files (stems) that mention the function, or for a method its
    class; every test file when none does (the function is used indirectly)."""
    owner, _, method = function.partition(".")
    names = {owner} if method else {function}
    files = [
        p
        for p in sorted((ASSIGNMENTS / hw / "tests").glob("q*.py"))
        if p.stem not in SLOW_TEST_FILES.get(hw, set())
    ]
    hits = [
        p.stem
        for p in files
        if any(re.search(rf"\b{re.escape(n)}\b", p.read_text()) for n in names)
    ]
    return hits or [p.stem for p in files]


def grade_mutant(mutant: Mutant, workdir: Path):
    """Grade the mutant on its relevant test files; returns the engine's Report."""
    from autograder.core.engine import grade

    dest = workdir / "submission"
    shutil.copytree(SOLUTIONS / mutant.hw, dest, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / mutant.file).write_text(mutant.source)
    return grade(mutant.hw, dest, only=relevant_tests(mutant.hw, mutant.function))


def main(argv: list[str]) -> int:
    hws = argv or HOMEWORKS
    survivors = []
    for hw in hws:
        mutants, skipped = generate(hw)
        print(f"== {hw}: {len(mutants)} mutants, {len(skipped)} arguments skipped")
        for what, reason in skipped:
            print(f"   skipped {what}: {reason}")
        for mutant in mutants:
            with tempfile.TemporaryDirectory() as tmp:
                report = grade_mutant(mutant, Path(tmp))
            lost = [c.title for c in report.cases if c.score < c.points]
            full = report.score == report.max_score
            mark = "SURVIVES" if full else "killed  "
            note = (
                f"  (listed equivalent: {EQUIVALENT[mutant.key]})"
                if mutant.key in EQUIVALENT
                else ""
            )
            print(
                f"   {mark} {mutant.function}({mutant.argument} = {mutant.value}) "
                f"{report.score:g}/{report.max_score:g}{note}"
            )
            if lost:
                print(f"            loses: {', '.join(lost)}")
            if full:
                survivors.append(mutant.name)
    print(f"{len(survivors)} surviving: " + ("; ".join(survivors) or "none"))
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main(sys.argv[1:]))
