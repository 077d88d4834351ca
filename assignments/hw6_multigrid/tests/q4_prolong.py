"""Q4: prolong(e) interpolates coarse values linearly to the fine grid, (..., n/2-1) ->
(..., n-1); it is the transpose of restrict."""
import torch
import torch.nn.functional as F

from autograder.checks import expect_close, expect_shape, only_when_right, source
from autograder.testing import probe, support, test_case

OK_FORMAT = False
name = "q4_prolong"
points = None

spy = support("spy")

CONV_T = ["input", "weight", "bias", "stride", "padding", "output_padding", "groups", "dilation"]


def sample(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g, dtype=torch.float64)


@probe
def prolonged(prolong):
    return {"7": prolong(sample(7, 1)),
            "batched": [prolong(sample((4, 7), 2)), prolong(sample((2, 3, 15), 3))]}


@probe
def adjoint(restrict, prolong):
    r, e = sample(63, 4), sample(31, 5)
    return {"Rr": restrict(r), "Pe": prolong(e),
            "R": restrict(torch.eye(15, dtype=torch.float64)),
            "P": prolong(torch.eye(7, dtype=torch.float64))}


@probe
def transposed_conv_strides(prolong):
    with spy.recording(torch.conv_transpose1d, [torch, F, spy.module_globals(prolong)], CONV_T) as calls:
        prolong(sample(7, 6))
    return [spy.first_int(call.get("stride", 1)) for call in calls]


def interpolate(e):
    """Values at fine nodes x_1..x_{n-1} of the piecewise linear function that is e_j at
    the coarse node x_{2j} and 0 at both ends."""
    m = e.shape[-1]
    padded = torch.cat([torch.zeros(*e.shape[:-1], 1, dtype=e.dtype), e,
                        torch.zeros(*e.shape[:-1], 1, dtype=e.dtype)], dim=-1)
    out = torch.zeros(*e.shape[:-1], 2 * m + 1, dtype=e.dtype)
    out[..., 1::2] = e                                       # fine node 2j sits on coarse node j
    out[..., 0::2] = (padded[..., :-1] + padded[..., 1:]) / 2  # odd fine nodes: the average
    return out


@test_case(points=2, hidden=False)
def test_linear_interpolation(env):
    """prolong(e) for 7 coarse values (n = 16) gives 15 fine values: e_j at x_{2j}, averages between."""
    expect_close(prolonged(env)["7"], interpolate(sample(7, 1)), "prolong(e) for e of length 7",
                 atol=0, rtol=1e-12, dtype=True)


@test_case(points=2, hidden=False)
def test_transpose_of_restrict(env):
    """<restrict(r), e> = <r, prolong(e)> for random r, e: prolong is the transpose of restrict."""
    only_when_right(lambda: expect_close(prolonged(env)["7"], interpolate(sample(7, 1)),
                                         "prolong(e) for e of length 7", atol=0, rtol=1e-12),
                    "prolong(e)")
    seen = adjoint(env)
    r, e = sample(63, 4), sample(31, 5)
    expect_shape(seen["Rr"], (31,), "restrict(r) for r of length 63")
    expect_shape(seen["Pe"], (63,), "prolong(e) for e of length 31")
    left, right = float(seen["Rr"] @ e), float(r @ seen["Pe"])
    assert abs(left - right) <= 1e-10 * (abs(left) + abs(right) + 1), (
        f"<restrict(r), e> = {left:.10g} but <r, prolong(e)> = {right:.10g}; prolong must be the "
        f"transpose of restrict (use the same kernel in conv_transpose1d with stride 2).")
    # restrict(I) holds R^T (rows are restrict of unit vectors); prolong(I) holds P^T.
    expect_close(seen["P"], seen["R"].T, "prolong(I) compared with restrict(I)^T (n = 16)",
                 atol=1e-12, rtol=1e-12)


@test_case(points=1, hidden=True)
def test_batched(env):
    """Inputs (..., m) prolong along the last axis: (4, 7) -> (4, 15), (2, 3, 15) -> (2, 3, 31)."""
    for value, (shape, seed) in zip(prolonged(env)["batched"], [((4, 7), 2), ((2, 3, 15), 3)]):
        expect_close(value, interpolate(sample(shape, seed)), f"prolong(e) for e of shape {shape}",
                     atol=0, rtol=1e-12)


@test_case(points=1, hidden=True)
def test_uses_conv_transpose1d(env):
    """prolong calls torch.nn.functional.conv_transpose1d with stride 2."""
    strides = transposed_conv_strides(env)
    assert strides, ("prolong(e) did not call torch.nn.functional.conv_transpose1d; the transpose "
                     "of a stride-2 convolution is a stride-2 transposed convolution.")
    source.expect_calls(env, "prolong", {"torch.nn.functional.conv_transpose1d",
                                         "torch.conv_transpose1d", "torch.nn.ConvTranspose1d"},
                        "prolong does not call torch.nn.functional.conv_transpose1d; the transpose "
                        "of a stride-2 convolution is a stride-2 transposed convolution.")
    assert 2 in strides, f"prolong(e) called conv_transpose1d with stride {strides[0]}; use stride=2."
