"""Q5: plot_linear_regions(net, path, size, extent) saves the gradient image as a PNG
with axes in input coordinates and returns the Figure.

Judged by content, at any figure size, dpi and margins: the returned Figure's
picture (array, extent, origin, axis directions) and tick labels; the PNG at
`path` only has to show the same picture."""
import tempfile
from pathlib import Path

import torch
from torch import nn

from autograder.checks import only_when_right
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q5_plot"
points = None

figures = support("figures")

CFG = config()
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
            fig = plot_linear_regions(make_net(seed), str(path), size=CFG["plot_size"],
                                      extent=extent)
            results.append({"png": figures.png_facts(path), "figure": figures.figure_facts(fig)})
    return results


@probe
def other_size_plot(plot_linear_regions):
    with tempfile.TemporaryDirectory() as folder:
        fig = plot_linear_regions(make_net(22), str(Path(folder) / "regions.png"),
                                  size=CFG["plot_other_size"], extent=1.0)
        return figures.figure_facts(fig)


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


def share_matching(drawn, image):
    """Share of the image's cells whose colour the drawn picture (rows from the
    bottom, any resolution) has at the same place."""
    size = image.shape[0]
    rows = (torch.arange(size, dtype=torch.float64) + 0.5) / size
    i = (rows * drawn.shape[0]).long().clamp(0, drawn.shape[0] - 1)
    j = (rows * drawn.shape[1]).long().clamp(0, drawn.shape[1] - 1)
    return float(((drawn[i][:, j].double() - image.double()).abs().amax(-1)
                  <= CFG["pixel_atol"]).float().mean())


def expect_same_picture(drawn, image, what):
    share = share_matching(drawn, image)
    if share >= CFG["pixel_match"]:
        return
    hints = {"upside down (row 0 of the image is y = -extent, at the bottom: "
             "use origin='lower')": image.flip(0),
             "transposed (the x axis shows the row index)": image.transpose(0, 1)}
    for hint, wrong in hints.items():
        if share_matching(drawn, wrong) >= CFG["pixel_match"]:
            raise AssertionError(f"{what}: the picture is {hint}.")
    raise AssertionError(
        f"{what}: only {share:.0%} of the picture has the colour of "
        f"gradient_image(gradient_field(net, size, extent)) at that place; at least "
        f"{CFG['pixel_match']:.0%} should (red = d/dx, green = d/dy, blue = 0).")


def figure_axes(env, case):
    figure = plots(env)[case]["figure"]
    assert figure["is_figure"], (f"plot_linear_regions should return the matplotlib Figure, "
                                 f"but it returned a {figure['type']}.")
    assert figure["axes"], "The returned Figure has no axes showing an image (use imshow or pcolormesh)."
    return figure["axes"][0]


def expect_picture(env, case):
    """The returned Figure shows the gradient image, x to the right and y up on screen."""
    extent, seed = CASES[case]
    image = expected_image(make_net(seed), CFG["plot_size"], extent)
    what = f"The picture in the Figure plot_linear_regions returned (extent={extent})"
    expect_same_picture(figures.screen_picture(figure_axes(env, case), what), image, what)


def expect_png_shows_it(env, case):
    """The file at `path` is a PNG (any size, dpi, margins) showing the same picture."""
    extent, seed = CASES[case]
    pixels = figures.expect_png(plots(env)[case]["png"], "The file written by plot_linear_regions")
    rgb = pixels[..., :3]
    is_picture = (rgb[..., 2] < 0.05) & (rgb[..., :2].amax(-1) > 0.1)
    what = f"The PNG written by plot_linear_regions (extent={extent})"
    top, bottom, left, right = figures.find_picture(pixels, is_picture, what, CFG["min_picture_fraction"])
    drawn = rgb[top:bottom, left:right].flip(0)          # rows from the bottom, as on screen
    expect_same_picture(drawn, expected_image(make_net(seed), CFG["plot_size"], extent), what)


def expect_input_coordinates(env, case):
    extent, seed = CASES[case]
    axes = figure_axes(env, case)
    left, right, bottom, top = axes["extent"]
    atol = CFG["tick_atol"] * 2 * extent
    # -extent at the screen's left and bottom edge of the picture: x to the right, y up
    figures.expect_axis_coordinates(axes["xticks"], *figures.screen_edges(left, right, axes["xlim"]), -extent,
                            extent, f"The x axis (extent={extent})", atol)
    figures.expect_axis_coordinates(axes["yticks"], *figures.screen_edges(bottom, top, axes["ylim"]), -extent,
                            extent, f"The y axis (extent={extent})", atol)


@test_case(points=1, hidden=False)
def test_png_written(env):
    """plot_linear_regions returns a matplotlib Figure and writes a PNG at `path` showing its picture (any size)."""
    figure_axes(env, 0)
    expect_png_shows_it(env, 0)


@test_case(points=3, hidden=False)
def test_pixels_follow_gradient_image(env):
    """The Figure shows gradient_image of the net, x to the right and y up."""
    expect_picture(env, 0)


@test_case(points=2, hidden=False)
def test_axes_in_input_coordinates(env):
    """Tick labels are input coordinates: x from -1 (left) to 1 (right), y from -1 (bottom) to 1 (top)."""
    only_when_right(lambda: expect_picture(env, 0), "the picture")
    expect_input_coordinates(env, 0)


@test_case(points=2, hidden=True)
def test_other_extent(env):
    """With extent=2 the picture, the PNG and the tick labels follow [-2, 2]^2."""
    expect_picture(env, 1)
    expect_png_shows_it(env, 1)
    expect_input_coordinates(env, 1)


@test_case(points=1, hidden=True)
def test_other_size(env):
    """With another size the Figure shows gradient_image(gradient_field(net, size, extent)) of that size."""
    size = CFG["plot_other_size"]
    figure = other_size_plot(env)
    assert figure["is_figure"] and figure["axes"], (
        "plot_linear_regions should return the matplotlib Figure with an axes showing the image.")
    what = f"The picture in the Figure plot_linear_regions(net, path, size={size}) returned"
    drawn = figures.screen_picture(figure["axes"][0], what)
    assert tuple(drawn.shape[:2]) == (size, size), (
        f"{what} is {drawn.shape[0]} x {drawn.shape[1]} cells; it should be the gradient image "
        f"of the {size} x {size} grid: pass size on to gradient_field.")
    expect_same_picture(drawn, expected_image(make_net(22), size, 1.0), what)
