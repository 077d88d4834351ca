"""Checks shared between assignments.

Judge-side helpers (`expect_*`) run in the grading process on plain data and
raise AssertionError with a message in the course's words. Probe-side helpers
(`count_parameters`, ...) run in the worker beside student code.
"""

import math
from collections.abc import Callable, Sequence

import torch

from autograder.core.plain import describe


# -- judge side ---------------------------------------------------------------
def expect_tensor(seen: object, what: str) -> torch.Tensor:
    assert isinstance(seen, torch.Tensor), f"{what} should be a tensor, but it is {describe(seen)}."
    return seen


def expect_shape(seen: object, shape: Sequence[int], what: str) -> torch.Tensor:
    expect_tensor(seen, what)
    assert tuple(seen.shape) == tuple(shape), (
        f"{what} should have shape {tuple(shape)}, but it has shape {tuple(seen.shape)}."
    )
    return seen


def expect_finite(seen: torch.Tensor, what: str) -> None:
    if seen.is_floating_point() or seen.is_complex():
        bad = ~torch.isfinite(seen)
        count = int(bad.sum())
        assert count == 0, (
            f"{what} contains NaN or infinite values at {count} of {seen.numel()} positions."
        )


def expect_close(
    seen: object,
    expected: torch.Tensor,
    what: str,
    *,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    dtype: bool = False,
    mask: torch.Tensor | None = None,
) -> None:
    """`seen` matches `expected` in shape (and dtype if asked) and values.

    `mask` marks the positions that are compared (e.g. to skip x == 0 for ReLU).
    """
    expect_shape(seen, expected.shape, what)
    if dtype:
        assert seen.dtype == expected.dtype, (
            f"{what} should have dtype {expected.dtype} (same as the input), but it has {seen.dtype}."
        )
    expect_finite(seen, what)
    a, b = seen.double(), expected.double()
    wrong = ~torch.isclose(a, b, atol=atol, rtol=rtol)
    if mask is not None:
        wrong &= mask
    count = int(wrong.sum())
    if count:
        diff = torch.where(wrong, (a - b).abs(), torch.zeros_like(a))
        flat = int(diff.argmax())
        index = tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), a.shape))
        index_text = index if len(index) != 1 else index[0]
        raise AssertionError(
            f"{what} is wrong at {count} of {a.numel()} positions; for example at index "
            f"{index_text} it is {a.flatten()[flat]:.6g} but should be {b.flatten()[flat]:.6g}."
        )


def expect_number(seen: object, what: str) -> float:
    """A real number: a Python int or float, or a one-element real tensor (where a
    handout asks for a Python float, the test says so itself)."""
    if (
        isinstance(seen, torch.Tensor)
        and seen.numel() == 1
        and seen.dtype != torch.bool
        and not seen.is_complex()
    ):
        seen = seen.item()
    assert isinstance(seen, (int, float)) and not isinstance(seen, bool), (
        f"{what} should be a number, but it is {describe(seen)}."
    )
    assert math.isfinite(seen), f"{what} should be a finite number, but it is {seen}."
    return float(seen)


def expect_equal(seen: object, expected: object, what: str) -> None:
    assert seen == expected, f"{what} should be {expected!r}, but it is {describe(seen)}."


def expect_depends_on_input(seen: object, what: str) -> None:
    """Different inputs in a batch give different outputs: a model that ignores its
    input (constant or zero logits) computes nothing."""
    expect_tensor(seen, what)
    assert len(seen) > 1 and not torch.allclose(seen, seen[:1].expand_as(seen)), (
        f"{what} is the same for every input of the batch: it must depend on the input."
    )


# figure -> (value, threshold) compared by expect_at_least in the case being judged;
# the engine empties it before each case and keeps it on the case's result (calibrate.py)
RECORDED: dict[str, tuple[float, float]] = {}


def expect_at_least(value: float, threshold: float, message: str, *, figure: str) -> None:
    """`value` reaches `threshold` (else AssertionError(message)); the pair is recorded
    under `figure` (e.g. "test accuracy on MNIST") so calibrate can measure its margin."""
    RECORDED[figure] = (float(value), float(threshold))
    assert value >= threshold, message


def expect_rung(
    value: float, floor: float, full: float, rung: int, rungs: int, *, message: str, figure: str
) -> float:
    """`value` reaches rung `rung` of a ladder of `rungs` equal steps from `floor` (rung 0)
    to `full` (rung `rungs`): one test case a rung gives partial credit from the floor up.
    `message` may name the bar as {needed}; returns the bar."""
    needed = floor + (full - floor) * rung / rungs
    expect_at_least(value, needed, message.format(needed=needed), figure=figure)
    return needed


def only_when_right(check: Callable[[], object], what: str) -> None:
    """Gate a property test (input unchanged, no gradient left behind, the right call
    used, eval mode restored): it is worth its points only when the values it is about
    are right, so code that computes nothing earns nothing. `check()` asserts them."""
    try:
        check()
    except AssertionError as exc:
        raise AssertionError(
            f"Not awarded: this check counts only when {what} is right, and it is not. {exc}"
        ) from None


# -- probe side ---------------------------------------------------------------
def count_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def parameter_shapes(model: torch.nn.Module) -> list[tuple[int, ...]]:
    return [tuple(p.shape) for p in model.parameters()]
