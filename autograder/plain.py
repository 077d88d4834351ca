"""Plain data: what may cross from the student's process to the grader.

Probes return nested dicts/lists/tuples of numbers, strings, None and
tensors. Everything is serialised with torch.save and read back with
`torch.load(weights_only=True)`, which refuses any class it does not know, so
a Tensor subclass, a callable or a forged object cannot come back as code.
"""
import io
import math

import numpy as np
import torch


class NotPlainData(TypeError):
    """A value that cannot be turned into plain data."""


def to_plain(value):
    """Convert a probe's return value into plain, code-free data."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return float(value)
    if isinstance(value, torch.Tensor):
        # as_subclass drops any student Tensor subclass; clone detaches storage.
        return torch.Tensor.as_subclass(value.detach().cpu(), torch.Tensor).clone()
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Size):
        return tuple(int(n) for n in value)
    if isinstance(value, (torch.dtype, torch.device)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_plain(v) for v in value) if type(value) in (list, tuple) \
            else [to_plain(v) for v in value]
    raise NotPlainData(f"a value of type {type(value).__name__} is not plain data")


def dumps(value) -> bytes:
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


def loads(payload: bytes):
    """Read data written by `dumps`; raises if it carries anything but data."""
    return torch.load(io.BytesIO(payload), weights_only=True)


def round_trip(value):
    """What the grading process would see: used on otter's in-process path."""
    return loads(dumps(to_plain(value)))


def describe(value) -> str:
    """A short description of a value for feedback messages."""
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)}"
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
