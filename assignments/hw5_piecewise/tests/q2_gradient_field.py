"""Q2: gradient_field(net, size, extent) is the gradient of net at every cell centre,
shape (size, size, 2), computed in one batched pass."""
import torch
from torch import nn

from autograder.checks import expect_close, expect_finite, expect_shape, only_when_right
from autograder.testing import config, input_seed, probe, test_case

OK_FORMAT = False
name = "q2_gradient_field"
points = None

CFG = config()
# (size, extent, offset of the net's seed from the grader's input seed for the submission)
CASES = [(CFG["field_size"], 1.0, 1), (9, 2.5, 2)]


def make_net(seed):
    """A random 2 -> 25 -> 25 -> 1 ReLU network, the same in the worker and the judge."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 25), nn.ReLU(), nn.Linear(25, 25), nn.ReLU(),
                         nn.Linear(25, 1))


class CountingNet(nn.Module):
    """Wraps a net and records the shape of every batch it is called on."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.calls = []

    def forward(self, x):
        self.calls.append(tuple(x.shape))
        return self.inner(x)


@probe
def fields(gradient_field, seed):
    return [gradient_field(make_net(seed + offset), size, extent) for size, extent, offset in CASES]


@probe
def large_field(gradient_field):
    return gradient_field(make_net(3), CFG["piecewise_size"], 1.0)


@probe
def batched_pass(gradient_field):
    net = CountingNet(make_net(4))
    field = gradient_field(net, CFG["batched_size"], 1.0)
    return {"calls": net.calls, "field": field}


# -- judge side ---------------------------------------------------------------
def centres(size, extent):
    return -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * (2 * extent / size)


def reference_field(net, size, extent):
    """The gradient at every cell centre, field[i, j] at (x, y) = (c_j, c_i)."""
    c = centres(size, extent)
    y, x = torch.meshgrid(c, c, indexing="ij")
    pts = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    grad, = torch.autograd.grad(net(pts).sum(), pts)
    return grad.reshape(size, size, 2)


def layout_hint(seen, net, size, extent):
    """Name a common layout mistake the field matches, or ''."""
    expected = reference_field(net, size, extent)
    corners = torch.linspace(-extent, extent, size)
    y, x = torch.meshgrid(corners, corners, indexing="ij")
    pts = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    grad, = torch.autograd.grad(net(pts).sum(), pts)
    candidates = {
        "rows and columns are swapped: field[i, j] must be the gradient at (x, y) = (c_j, c_i), "
        "so the column index goes with x and the row index with y": expected.transpose(0, 1),
        "the two components are swapped: field[..., 0] is d/dx and field[..., 1] is d/dy":
            expected.flip(-1),
        "the picture is upside down: row 0 must be the bottom row, y = -extent + step/2":
            expected.flip(0),
        "the points are the grid corners (linspace from -extent to extent), not the cell "
        "centres -extent + (k + 0.5) * 2 * extent / size": grad.reshape(size, size, 2),
    }
    for hint, wrong in candidates.items():
        if seen.shape == wrong.shape and (seen - wrong).abs().le(1e-4).float().mean() > 0.95:
            return f" It looks like {hint}."
    return ""


def sampled_cells(size, count, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, size, (count, 2), generator=g).tolist()


def expect_matches_autograd(seen, net, size, extent, what):
    """Compare with one autograd call per sampled point (the notes' double loop)."""
    expect_shape(seen, (size, size, 2), what)
    expect_finite(seen, what)
    c = centres(size, extent)
    cells = sampled_cells(size, min(CFG["field_samples"], size * size), seed=size)
    expected = []
    for i, j in cells:
        q = torch.stack([c[j], c[i]]).requires_grad_(True)
        grad, = torch.autograd.grad(net(q[None]).sum(), q)
        expected.append(grad)
    picked = torch.stack([seen[i, j] for i, j in cells])
    try:
        expect_close(picked, torch.stack(expected), f"{what} at {len(cells)} sampled cells",
                     atol=CFG["atol"], rtol=1e-4)
    except AssertionError as exc:
        raise AssertionError(str(exc) + layout_hint(seen, net, size, extent)) from None


@test_case(points=1, hidden=False)
def test_shape(env):
    """The field has shape (size, size, 2)."""
    for seen, (size, extent, _) in zip(fields(env), CASES):
        expect_shape(seen, (size, size, 2), f"gradient_field(net, size={size}, extent={extent})")
    size, extent, offset = CASES[0]
    net = make_net(input_seed(env) + offset)
    only_when_right(lambda: expect_matches_autograd(fields(env)[0], net, size, extent,
                                                    "gradient_field(net)"), "gradient_field(net)")


@test_case(points=3, hidden=False)
def test_matches_autograd(env):
    """At sampled cell centres the field equals autograd's gradient of net at that point."""
    size, extent, offset = CASES[0]
    expect_matches_autograd(fields(env)[0], make_net(input_seed(env) + offset), size, extent,
                            f"gradient_field(net, size={size})")


@test_case(points=1, hidden=True)
def test_other_extent(env):
    """The cell centres scale with `extent` (a 9 x 9 grid on [-2.5, 2.5]^2)."""
    size, extent, offset = CASES[1]
    expect_matches_autograd(fields(env)[1], make_net(input_seed(env) + offset), size, extent,
                            f"gradient_field(net, size={size}, extent={extent})")


@test_case(points=2, hidden=False)
def test_piecewise_constant(env):
    """The field is piecewise constant: most neighbouring cells share the exact same gradient."""
    seen = large_field(env)
    size = CFG["piecewise_size"]
    expect_shape(seen, (size, size, 2), f"gradient_field(net, size={size})")
    expect_close(seen, reference_field(make_net(3), size, 1.0), f"gradient_field(net, size={size})",
                 atol=CFG["atol"], rtol=1e-4)
    same_x = (seen[:, 1:] == seen[:, :-1]).all(-1).float().mean().item()
    same_y = (seen[1:] == seen[:-1]).all(-1).float().mean().item()
    share = min(same_x, same_y)
    assert share >= CFG["min_equal_neighbours"], (
        f"Only {share:.0%} of neighbouring cells have exactly the same gradient; inside one "
        f"linear piece the gradient is constant, so at least {CFG['min_equal_neighbours']:.0%} "
        f"should. Take the exact gradient with autograd, not a finite difference.")


@test_case(points=2, hidden=False)
def test_one_batched_pass(env):
    """gradient_field calls net once on all size * size points (at most a few calls), not once per point."""
    seen = batched_pass(env)
    size, calls = CFG["batched_size"], seen["calls"]
    limit = CFG["max_forward_calls"]
    assert 1 <= len(calls) <= limit, (
        f"gradient_field(net, size={size}) called net {len(calls)} times; call it on all "
        f"{size * size} points as one batch of shape ({size * size}, 2) (at most {limit} calls).")
    expect_close(seen["field"], reference_field(make_net(4), size, 1.0),
                 f"gradient_field(net, size={size})", atol=CFG["atol"], rtol=1e-4)
