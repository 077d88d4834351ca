"""Q1: ReLUNet2D is 2 -> 25 -> 25 -> 1 with a ReLU after each hidden Linear layer."""
import torch

from autograder.checks import count_parameters, expect_close, expect_equal, parameter_shapes
from autograder.testing import probe, test_case

OK_FORMAT = False
name = "q1_relunet"
points = None

SHAPES = [(25, 2), (25,), (25, 25), (25,), (1, 25), (1,)]


def points_2d(seed, n=200):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 2, generator=g) * 4 - 2


@probe
def structure(ReLUNet2D):
    net = ReLUNet2D()
    return {"count": count_parameters(net), "shapes": parameter_shapes(net)}


@probe
def outputs_and_weights(ReLUNet2D):
    net = ReLUNet2D()
    with torch.no_grad():
        out = net(points_2d(0))
    return {"out": out, "params": [p.detach() for p in net.parameters()]}


def layers_from(params):
    """Pick W1, b1, W2, b2, W3, b3 from the parameters by shape, in module order."""
    pool = list(params)
    chosen = []
    for shape in SHAPES:
        for k, p in enumerate(pool):
            if isinstance(p, torch.Tensor) and tuple(p.shape) == shape:
                chosen.append(pool.pop(k))
                break
        else:
            raise AssertionError(f"ReLUNet2D has no parameter of shape {shape}; a 2 -> 25 -> 25 -> 1 "
                                 f"network has weights (25, 2), (25, 25), (1, 25) and biases.")
    return chosen


@test_case(points=1, hidden=False)
def test_layer_sizes(env):
    """ReLUNet2D has three Linear layers 2 -> 25 -> 25 -> 1 (751 parameters)."""
    seen = structure(env)
    expect_equal(sorted(map(tuple, seen["shapes"])), sorted(SHAPES),
                 "The parameter shapes of ReLUNet2D")
    expect_equal(seen["count"], 751, "The number of parameters of ReLUNet2D")


@test_case(points=2, hidden=False)
def test_forward(env):
    """net(x) maps (N, 2) to (N, 1) and equals W3 relu(W2 relu(W1 x + b1) + b2) + b3."""
    seen = outputs_and_weights(env)
    w1, b1, w2, b2, w3, b3 = layers_from(seen["params"])
    x = points_2d(0)
    expected = torch.relu(torch.relu(x @ w1.T + b1) @ w2.T + b2) @ w3.T + b3
    expect_close(seen["out"], expected, "ReLUNet2D()(x) for 200 points x of shape (200, 2)")
