"""Q5: plot_linear_regions(net, path, size, extent) saves the gradient image as a PNG
with axes in input coordinates and returns the Figure."""
import tempfile
from pathlib import Path

import torch
from torch import nn

from autograder.figures import (expect_axis_coordinates, expect_png, figure_facts, find_picture,
                                png_facts)
from autograder.testing import config, probe, test_case

OK_FORMAT = False
name = "q5_plot"
points = None

P = config("hw5_piecewise")
CASES = [(1.0, 20), (2.0, 21)]  # (extent, seed of the net)


def make_net(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 25), nn.ReLU(), nn.Linear(25, 25), nn.ReLU(),
                         nn.Linear(25, 1))


@probe
def plots(plot_linear_regions):
    results = []
    for extent, seed in CASES:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "regions.png"
            fig = plot_linear_regions(make_net(seed), str(path), size=P["plot_size"],
                                      extent=extent)
            results.append({"png": png_facts(path), "figure": figure_facts(fig)})
    return results


# -- judge side ---------------------------------------------------------------
def expected_image(net, size, extent):
    """gradient_image(gradient_field(net)) computed here, rows = y (row 0 at the bottom)."""
    c = -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * (2 * extent / size)
    y, x = torch.meshgrid(c, c, indexing="ij")
    pts = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    grad, = torch.autograd.grad(net(pts).sum(), pts)
    field = grad.reshape(size, size, 2)
    image = torch.zeros(size, size, 3)
    for k in range(2):
        comp = field[..., k]
        if comp.max() > comp.min():
            image[..., k] = (comp - comp.min()) / (comp.max() - comp.min())
    return image


def picture_match(pixels, box, image):
    """Share of picture pixels whose colour matches the image cell drawn there
    (top of the PNG = last row of the image = largest y)."""
    top, bottom, left, right = box
    size = image.shape[0]
    rows = torch.arange(top, bottom, dtype=torch.float64)
    cols = torch.arange(left, right, dtype=torch.float64)
    i = ((rows - top + 0.5) / (bottom - top) * size).long().clamp(0, size - 1)
    j = ((cols - left + 0.5) / (right - left) * size).long().clamp(0, size - 1)
    drawn = pixels[top:bottom, left:right, :3]
    want = image.flip(0)[i][:, j]
    return float(((drawn - want).abs().amax(-1) <= P["pixel_atol"]).float().mean())


def png_pixels(env, case):
    seen = plots(env)[case]
    side = P["png_pixels"]
    return expect_png(seen["png"], side, side, "The file written by plot_linear_regions")


@test_case(points=1, hidden=False)
def test_png_written(env):
    """plot_linear_regions writes a 600 x 600 PNG at `path` and returns a matplotlib Figure."""
    png_pixels(env, 0)
    figure = plots(env)[0]["figure"]
    assert figure["is_figure"], (f"plot_linear_regions should return the matplotlib Figure, "
                                 f"but it returned a {figure['type']}.")


def expect_picture(env, case):
    extent, seed = CASES[case]
    pixels = png_pixels(env, case)
    rgb = pixels[..., :3]
    is_picture = (rgb[..., 2] < 0.05) & (rgb[..., :2].amax(-1) > 0.1)
    what = f"The PNG written by plot_linear_regions (extent={extent})"
    box = find_picture(pixels, is_picture, what, P["min_picture_fraction"])
    image = expected_image(make_net(seed), P["plot_size"], extent)
    share = picture_match(pixels, box, image)
    if share >= P["pixel_match"]:
        return
    hints = {"upside down (row 0 of the image is y = -extent, at the bottom: "
             "use origin='lower')": image.flip(0),
             "transposed (the x axis shows the row index)": image.transpose(0, 1)}
    for hint, wrong in hints.items():
        if picture_match(pixels, box, wrong) >= P["pixel_match"]:
            raise AssertionError(f"{what}: the picture is {hint}.")
    raise AssertionError(
        f"{what}: only {share:.0%} of the picture's pixels have the colour of "
        f"gradient_image(gradient_field(net, size, extent)) at that place; at least "
        f"{P['pixel_match']:.0%} should (red = d/dx, green = d/dy, blue = 0).")


def expect_input_coordinates(env, case):
    extent, seed = CASES[case]
    figure = plots(env)[case]["figure"]
    assert figure["is_figure"], "plot_linear_regions should return the matplotlib Figure."
    assert figure["axes"], "The returned Figure has no axes showing an image (use imshow or pcolormesh)."
    axes = figure["axes"][0]
    left, right, bottom, top = axes["extent"]
    atol = P["tick_atol"] * 2 * extent
    expect_axis_coordinates(axes["xticks"], left, right, -extent, extent,
                            f"The x axis (extent={extent})", atol)
    expect_axis_coordinates(axes["yticks"], bottom, top, -extent, extent,
                            f"The y axis (extent={extent})", atol)


@test_case(points=3, hidden=False)
def test_pixels_follow_gradient_image(env):
    """The PNG shows gradient_image of the net, x to the right and y up."""
    expect_picture(env, 0)


@test_case(points=2, hidden=False)
def test_axes_in_input_coordinates(env):
    """Tick labels are input coordinates: x from -1 (left) to 1 (right), y from -1 (bottom) to 1 (top)."""
    expect_input_coordinates(env, 0)


@test_case(points=2, hidden=True)
def test_other_extent(env):
    """With extent=2 the picture and the tick labels follow [-2, 2]^2."""
    expect_picture(env, 1)
    expect_input_coordinates(env, 1)
