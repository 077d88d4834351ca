"""Probe-side helpers to observe what a student's nn.Module does, by behaviour
rather than by the names of its attributes.

- `layer_traffic(model, shapes)`: the input and output of the layers that
  own a weight of the given shapes (e.g. the Linear(400, 120) of a network,
  whatever the student called it), recorded with forward hooks.
- `torch_calls(function, *args)`: the names of the torch functions a call
  runs (F.relu, torch.relu, Tensor.relu, nn.ReLU, max_pool2d, ...), recorded
  with a TorchFunctionMode, so calls through any alias are seen.
"""
import contextlib

import torch
from torch.overrides import TorchFunctionMode


def owners_of(model: torch.nn.Module, shape: tuple) -> list[torch.nn.Module]:
    """Modules that directly own a parameter of this shape (e.g. a Linear's weight)."""
    return [m for m in model.modules()
            if any(tuple(p.shape) == tuple(shape) for p in m.parameters(recurse=False))]


@contextlib.contextmanager
def layer_traffic(model: torch.nn.Module, shapes: dict):
    """Yields {key: {"input": ..., "output": ...}} filled by the first forward
    call of the module owning a weight of shape `shapes[key]` (absent keys:
    no such module, or it was not called)."""
    seen, handles = {}, []

    def hook_for(key):
        def hook(module, inputs, output):
            if key not in seen and inputs and torch.is_tensor(inputs[0]) and torch.is_tensor(output):
                seen[key] = {"input": inputs[0].detach().clone(), "output": output.detach().clone()}
        return hook

    for key, shape in shapes.items():
        for module in owners_of(model, shape)[:1]:
            handles.append(module.register_forward_hook(hook_for(key)))
    try:
        yield seen
    finally:
        for handle in handles:
            handle.remove()


class _CallRecorder(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.names = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.append(getattr(func, "__name__", repr(func)))
        return func(*args, **(kwargs or {}))


def torch_calls(function, *args, **kwargs):
    """(result, names of the torch functions called) for function(*args, **kwargs)."""
    recorder = _CallRecorder()
    with recorder:
        result = function(*args, **kwargs)
    return result, recorder.names
