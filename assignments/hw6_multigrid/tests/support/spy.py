"""Probe-side helper: record how student code calls a library function.

`recording(function, namespaces)` swaps every reference to `function` found in
the given modules or dicts (e.g. `torch`, `torch.nn.functional` and the
student's module globals) for a wrapper that records each call's arguments,
and puts the original back afterwards, even if the student's code raises.
Used to check *how* something is computed (e.g. "with conv1d, stride 2")
by behaviour rather than by reading source code.
"""
import contextlib
import inspect
import types


@contextlib.contextmanager
def recording(function, namespaces, parameters=None):
    """Yields a list that receives, per call, a dict of the arguments by name
    (`parameters` names the positional arguments in order)."""
    calls = []

    def wrapper(*args, **kwargs):
        named = dict(zip(parameters or [], args))
        named.update(kwargs)
        calls.append(named)
        return function(*args, **kwargs)

    swapped = []
    for space in namespaces:
        table = vars(space) if isinstance(space, types.ModuleType) else space
        for key, value in list(table.items()):
            if value is function:
                swapped.append((space, table, key))
    try:
        for space, table, key in swapped:
            if isinstance(space, types.ModuleType):
                setattr(space, key, wrapper)
            else:
                table[key] = wrapper
        yield calls
    finally:
        for space, table, key in swapped:
            if isinstance(space, types.ModuleType):
                setattr(space, key, function)
            else:
                table[key] = function


def module_globals(function) -> dict:
    """The global namespace a student's function looks names up in."""
    return getattr(inspect.unwrap(function), "__globals__", {})


def first_int(value) -> int | None:
    """A stride or padding given as an int or a 1-tuple, as an int."""
    if isinstance(value, int):
        return value
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], int):
        return value[0]
    return None
