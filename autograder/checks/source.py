"""Judge-side checks of *how* a submission computes something, read from its source.

A submission controls its whole worker process, so anything a probe reports about
how it ran (a grad_fn's name, a spy's count) can be forged. These checks read the
student's file as the grader copied it (never through the worker) and answer
questions such as "does my_relu call MyReLU.apply?", judging meaning, not format:
imports under other names (`from torch.autograd import grad`, `import torch as t`),
names bound to a callee (`apply = MyReLU.apply`) and helpers the student wrote
(other top-level functions of the same file, followed through their calls) all count.

A judge uses them *in addition to* what its probe observes: a case passes only if both agree.
"""

import ast
import inspect
from pathlib import Path

from autograder.testing import ProbeFailed


# -- finding the source ---------------------------------------------------------
def student_tree(env, function: str) -> ast.Module | None:
    """The parsed student file that defines `function` at its top level.

    Under our engine (`env` has `source_files`), it is read from the grader's copy
    of the submission. Under otter's in-process runner (`env` is the student's
    namespace, and nothing is isolated anyway), it is the file the function was
    defined in; None when there is no such file (e.g. code run from a notebook),
    and then the judge relies on its probe alone."""
    if hasattr(env, "source_files"):
        for filename in env.source_files():
            tree = env.tree(filename)
            if tree is not None and top_level(tree, function.split(".")[0]) is not None:
                return tree
        raise ProbeFailed(f"Your code does not define `{function}` at the top level of your file.")
    try:
        path = Path(inspect.getsourcefile(env[function.split(".")[0]]))
    except (KeyError, TypeError, OSError):
        return None
    if path.suffix != ".py" or not path.is_file():
        return None
    return parse(path.read_text(errors="replace"))


def parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


# -- what a function calls --------------------------------------------------------
def top_level(tree: ast.Module, name: str):
    """The last top-level def or class statement named `name` (the one Python keeps)."""
    found = None
    for node in tree.body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.name == name
        ):
            found = node
    return found


def module_aliases(tree: ast.Module) -> dict[str, str]:
    """Top-level names bound by imports or to dotted names: alias -> full dotted name."""
    aliases: dict[str, str] = {}
    for node in tree.body:
        bind(node, aliases, aliases)
    return aliases


def bind(node, aliases: dict[str, str], outer: dict[str, str]) -> None:
    """Record what one statement binds in `aliases` (resolving through `outer`)."""
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.asname:
                aliases[a.asname] = a.name
            else:
                aliases[a.name.split(".")[0]] = a.name.split(".")[0]
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        for a in node.names:
            aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    elif (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        target = node.targets[0].id
        value = dotted(node.value, {**outer, **aliases})
        aliases[target] = value if value is not None else f"<value {target}>"
    elif isinstance(node, (ast.Assign, ast.For, ast.With)):  # unpacking: values, not aliases
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.For)
            else [i.optional_vars for i in node.items]
        )
        for target in targets:
            for name in ast.walk(target) if target is not None else []:
                if isinstance(name, ast.Name):
                    aliases[name.id] = f"<value {name.id}>"
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        if aliases is not outer:  # a local def shadows the top-level name
            aliases[node.name] = f"<local {node.name}>"


def dotted(node, aliases: dict[str, str]) -> str | None:
    """`a.b.c` as a full dotted name with its first part resolved, or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))


def called(tree: ast.Module, function: str) -> set[str]:
    """Every callee `function` calls, directly or through other top-level functions
    of the file, as full dotted names ("torch.autograd.grad", "MyReLU.apply").
    A method called on a value that is no name ends as "?.name" (e.g. "?.backward")."""
    aliases = module_aliases(tree)
    found: set[str] = set()
    todo, seen = [function], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        node = find(tree, name)
        if node is None:
            continue
        local = dict(aliases)
        for arg in ast.walk(node.args) if hasattr(node, "args") else []:
            if isinstance(arg, ast.arg):
                local[arg.arg] = f"<argument {arg.arg}>"
        for inner in ast.walk(node):
            if inner is not node and isinstance(inner, ast.stmt):
                bind(inner, local, aliases)
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                callee = dotted(inner.func, local)
                if callee is None and isinstance(inner.func, ast.Attribute):
                    callee = f"?.{inner.func.attr}"
                if callee is None:
                    continue
                found.add(callee)
                if "." not in callee and find(tree, callee) is not None:
                    todo.append(callee)  # a helper of the same file
                elif callee.split(".")[0] == "self" and name.count(".") == 1:
                    todo.append(f"{name.split('.')[0]}.{callee.split('.', 1)[1]}")
    return found


def find(tree: ast.Module, name: str):
    """A top-level function, or a method written "Class.method"."""
    first, _, method = name.partition(".")
    node = top_level(tree, first)
    if not method:
        return node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    if isinstance(node, ast.ClassDef):
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == method:
                return item
    return None


def calls_any(tree: ast.Module, function: str, callees) -> bool:
    """Whether `function` calls one of `callees` (full dotted names; ".name" means
    a method `name` called on any value)."""
    names = called(tree, function)
    for callee in callees:
        if callee.startswith("."):
            if any(n.rsplit(".", 1)[-1] == callee[1:] and "." in n for n in names):
                return True
        elif callee in names:
            return True
    return False


def calls(tree: ast.Module, function: str, callee: str) -> bool:
    return calls_any(tree, function, {callee})


def is_class(tree: ast.Module, name: str) -> bool:
    """`name` is bound at the top level by a class statement and by nothing later."""
    last = None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            last = "class"
        elif any(isinstance(t, ast.Name) and t.id == name for t in assigned(node)):
            last = "other"
    return last == "class"


def assigned(node) -> list:
    if isinstance(node, ast.Assign):
        return [t for target in node.targets for t in ast.walk(target)]
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return [node.target]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [ast.Name(id=node.name)]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [ast.Name(id=(a.asname or a.name).split(".")[0]) for a in node.names]
    return []


# -- the judge's assertion ---------------------------------------------------------
def expect_calls(env, function: str, callees, message: str) -> None:
    """Fail with `message` unless the source of `function` calls one of `callees`."""
    tree = student_tree(env, function)
    if tree is None:
        return
    assert calls_any(tree, function, set(callees)), message


def expect_class(env, name: str, message: str) -> None:
    """Fail with `message` unless the student's file binds `name` by a class statement."""
    tree = student_tree(env, name)
    if tree is None:
        return
    assert is_class(tree, name), message
