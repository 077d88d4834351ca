"""Q4: count_linear_regions(net, size, extent) counts the distinct gradients (linear
pieces) of net on the grid."""
import torch
from torch import nn
from autograder.core.plain import describe
from autograder.testing import config, probe, test_case
OK_FORMAT = False
name = 'q4_count_regions'
points = None
CFG = config()
STRIPS = [((1.0, 0.0), -0.55), ((1.0, 0.0), 0.1), ((1.0, 0.0), 0.62)]

def kinked_net(kinks):
    """net(x, y) = sum_k relu(a_k x + b_k y - c_k), written as a 2 -> 25 -> 25 -> 1 ReLU net:
    layer 1 makes the kinks, layer 2 passes them on, layer 3 adds them up."""
    net = nn.Sequential(nn.Linear(2, 25), nn.ReLU(), nn.Linear(25, 25), nn.ReLU(), nn.Linear(25, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        net[0].bias.fill_(-1.0)
        for k, ((a, b), c) in enumerate(kinks):
            net[0].weight[k] = torch.tensor([a, b])
            net[0].bias[k] = -c
            net[2].weight[k, k] = 1.0
            net[4].weight[0, k] = 1.0
    return net

@probe
def strips_count(count_linear_regions):
    return count_linear_regions(kinked_net(STRIPS), CFG['count_size'], 1.0)

def pieces_seen(kinks, size, extent=1.0):
    """Independent count for a hand-built net: the distinct sets of switched-on
    units over the cell centres (each set is one piece with its own gradient)."""
    c = -extent + (torch.arange(size, dtype=torch.float64) + 0.5) * (2 * extent / size)
    y, x = torch.meshgrid(c, c, indexing='ij')
    on = torch.stack([a * x + b * y - off > 0 for (a, b), off in kinks], dim=-1)
    return int(torch.unique(on.reshape(-1, len(kinks)), dim=0).shape[0])

def expect_count(seen, expected, what, rtol=0.0):
    assert isinstance(seen, int) and (not isinstance(seen, bool)), f'{what} should be a Python int, but it is {describe(seen)} (return int(...)).'
    slack = int(rtol * expected)
    assert abs(seen - expected) <= slack, f'{what} is {seen}, but the grid sees {expected} distinct linear pieces' + (f' (up to {slack} either way is accepted)' if slack else '') + '.'

@test_case(points=2, hidden=False)
def test_parallel_kinks(env):
    """A net with 3 parallel kinks (x = -0.55, 0.1, 0.62) has 4 linear pieces."""
    expected = pieces_seen(STRIPS, CFG['count_size'])
    expect_count(strips_count(env), expected, 'count_linear_regions for a net with 3 parallel kinks')
