"""Homework 5: the linear pieces of a ReLU network (notes 1.8.1).

A network of Linear layers and ReLUs is a continuous piecewise linear function.
On each piece its gradient is constant, so a picture of the gradient shows the
pieces as flat patches of colour. Fill in every place that raises
NotImplementedError, then run
    python -m autograder check hw5_piecewise

Grid convention (the tests use it): the square [-extent, extent]^2 is cut into
size x size equal cells with centres c_k = -extent + (k + 0.5) * 2 * extent / size,
and field[i, j] is the gradient at the point (x, y) = (c_j, c_i): the column j
goes with x, the row i goes with y (row 0 is the bottom of the picture).
field[i, j, 0] is d(net)/dx and field[i, j, 1] is d(net)/dy.
"""
import matplotlib

matplotlib.use("Agg")  # write files only; no window needed
import torch  # noqa: E402
from torch import nn  # noqa: E402


class ReLUNet2D(nn.Module):
    """2 -> 25 -> 25 -> 1 with a ReLU after each of the first two Linear layers."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(2, 25), nn.ReLU(),
                                    nn.Linear(25, 25), nn.ReLU(),
                                    nn.Linear(25, 1))

    def forward(self, x):
        """x: (N, 2) points -> (N, 1) values."""
        return self.layers(x)


def gradient_field(net, size=400, extent=1.0):
    """The gradient of `net` at the size x size cell centres of [-extent, extent]^2,
    as a (size, size, 2) tensor laid out as in the module docstring.

    `net` is any module mapping (N, 2) points to (N, 1) values. Compute all
    gradients in one batched pass: call `net` once on all size * size points
    and differentiate once; no Python loop over points or rows."""
    step = 2 * extent / size
    centres = -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * step
    y, x = torch.meshgrid(centres, centres, indexing="ij")  # y[i, j] = c_i, x[i, j] = c_j
    points = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    # Each output depends only on its own point, so the gradient of the sum
    # with respect to the points is every point's own gradient.
    grad, = torch.autograd.grad(net(points).sum(), points)
    return grad.reshape(size, size, 2)


def gradient_image(field):
    """A (size, size, 3) colour image in [0, 1] from a (size, size, 2) field:
    red = field[..., 0] and green = field[..., 1], each min-max normalised to
    [0, 1]; blue = 0. A component that is constant everywhere gives 0."""
    image = torch.zeros(*field.shape[:2], 3)
    for channel in range(2):
        component = field[..., channel].float()
        low, high = component.min(), component.max()
        if high > low:
            image[..., channel] = (component - low) / (high - low)
    return image


def count_linear_regions(net, size=400, extent=1.0):
    """The number of distinct gradients of `net` on the grid of gradient_field:
    each linear piece has one constant gradient, so this counts the pieces the
    grid sees. Gradients equal up to rounding (relative 1e-5) count once."""
    raise NotImplementedError("count_linear_regions")


def plot_linear_regions(net, path, size=400, extent=1.0):
    """Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a 600 x 600 pixel PNG at `path` and return the Figure."""
    raise NotImplementedError("plot_linear_regions")
