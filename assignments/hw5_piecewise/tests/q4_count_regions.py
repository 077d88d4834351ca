"""Q4: count_linear_regions(net, size, extent) counts the distinct gradients (linear
pieces) of net on the grid."""
import torch
from torch import nn

from autograder.core.plain import describe
from autograder.testing import config, probe, test_case

OK_FORMAT = False
name = "q4_count_regions"
points = None

CFG = config()

# Hand-built nets: each kink is a line a*x + b*y = c where one hidden unit switches on.
# The offsets keep every kink between cell centres of the test grid.
STRIPS = [((1.0, 0.0), -0.55), ((1.0, 0.0), 0.1), ((1.0, 0.0), 0.62)]


def crossing_kinks():
    """3 vertical and 2 horizontal kinks; 4 parallel diagonal ones."""
    rectangles = STRIPS + [((0.0, 1.0), -0.3), ((0.0, 1.0), 0.45)]
    diagonals = [((1.0, 1.0), c) for c in (-1.205, -0.415, 0.305, 1.115)]
    return rectangles, diagonals


def kinked_net(kinks):
    """net(x, y) = sum_k relu(a_k x + b_k y - c_k), written as a 2 -> 25 -> 25 -> 1 ReLU net:
    layer 1 makes the kinks, layer 2 passes them on, layer 3 adds them up."""
    net = nn.Sequential(nn.Linear(2, 25), nn.ReLU(), nn.Linear(25, 25), nn.ReLU(),
                        nn.Linear(25, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        net[0].bias.fill_(-1.0)  # unused units stay off
        for k, ((a, b), c) in enumerate(kinks):
            net[0].weight[k] = torch.tensor([a, b])
            net[0].bias[k] = -c
            net[2].weight[k, k] = 1.0
            net[4].weight[0, k] = 1.0
    return net


def random_net(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 25), nn.ReLU(), nn.Linear(25, 25), nn.ReLU(),
                         nn.Linear(25, 1))


@probe
def strips_count(count_linear_regions):
    return count_linear_regions(kinked_net(STRIPS), CFG["count_size"], 1.0)


@probe
def crossing_counts(count_linear_regions):
    rectangles, diagonals = crossing_kinks()
    size = CFG["count_size"]
    return {"rectangles": count_linear_regions(kinked_net(rectangles), size, 1.0),
            "diagonals": count_linear_regions(kinked_net(diagonals), size, 1.0)}


@probe
def other_extent_count(count_linear_regions):
    return count_linear_regions(kinked_net(STRIPS), CFG["count_size"], 0.5)


@probe
def random_counts(count_linear_regions):
    return [count_linear_regions(random_net(seed), CFG["count_size"], 1.0) for seed in (10, 11)]


# -- judge side ---------------------------------------------------------------
def pieces_seen(kinks, size, extent=1.0):
    """Independent count for a hand-built net: the distinct sets of switched-on
    units over the cell centres (each set is one piece with its own gradient)."""
    c = -extent + (torch.arange(size, dtype=torch.float64) + 0.5) * (2 * extent / size)
    y, x = torch.meshgrid(c, c, indexing="ij")
    on = torch.stack([a * x + b * y - off > 0 for (a, b), off in kinks], dim=-1)
    return int(torch.unique(on.reshape(-1, len(kinks)), dim=0).shape[0])


def distinct_gradients(net, size, extent=1.0):
    """Independent count for any net: gradients in float64, one per activation pattern."""
    net = net.double()
    c = -extent + (torch.arange(size, dtype=torch.float64) + 0.5) * (2 * extent / size)
    y, x = torch.meshgrid(c, c, indexing="ij")
    pts = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    grad, = torch.autograd.grad(net(pts).sum(), pts)
    keys = torch.round(grad / (1e-9 * grad.abs().max()))
    return int(torch.unique(keys, dim=0).shape[0])


def expect_count(seen, expected, what, rtol=0.0):
    assert isinstance(seen, int) and not isinstance(seen, bool), (
        f"{what} should be a Python int, but it is {describe(seen)} (return int(...)).")
    slack = int(rtol * expected)
    assert abs(seen - expected) <= slack, (
        f"{what} is {seen}, but the grid sees {expected} distinct linear pieces"
        + (f" (up to {slack} either way is accepted)" if slack else "") + ".")


@test_case(points=2, hidden=False)
def test_parallel_kinks(env):
    """A net with 3 parallel kinks (x = -0.55, 0.1, 0.62) has 4 linear pieces."""
    expected = pieces_seen(STRIPS, CFG["count_size"])
    expect_count(strips_count(env), expected,
                 "count_linear_regions for a net with 3 parallel kinks")


@test_case(points=1, hidden=True)
def test_crossing_kinks(env):
    """3 vertical and 2 horizontal kinks cut the square into 12 pieces; 4 diagonal kinks into 5."""
    seen, size = crossing_counts(env), CFG["count_size"]
    rectangles, diagonals = crossing_kinks()
    expect_count(seen["rectangles"], pieces_seen(rectangles, size),
                 "count_linear_regions for a net with 3 vertical and 2 horizontal kinks")
    expect_count(seen["diagonals"], pieces_seen(diagonals, size),
                 "count_linear_regions for a net with 4 diagonal kinks")


@test_case(points=2, hidden=True)
def test_random_nets(env):
    """For random 2 -> 25 -> 25 -> 1 nets the count matches the distinct gradients on the grid."""
    for seed, seen in zip((10, 11), random_counts(env)):
        expected = distinct_gradients(random_net(seed), CFG["count_size"])
        expect_count(seen, expected, "count_linear_regions for a random ReLU net",
                     rtol=CFG["count_rtol"])


@test_case(points=1, hidden=True)
def test_other_extent(env):
    """With extent=0.5 the grid covers [-0.5, 0.5]^2 and sees only the kink at x = 0.1 of the 3-kink net."""
    expect_count(other_extent_count(env), pieces_seen(STRIPS, CFG["count_size"], 0.5),
                 "count_linear_regions(net, size, extent=0.5) for the net with 3 parallel kinks")
