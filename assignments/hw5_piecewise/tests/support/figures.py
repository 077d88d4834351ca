"""Figure checks shared between assignments.

A figure is judged by what it shows, whatever its size, dpi or margins: a
probe describes the returned Figure's axes as plain data (`figure_facts`: the
picture's array, extent, origin, the axis limits and the tick labels) and reads
back the PNG the student's code wrote (`png_facts`), only to prove the file
shows the same picture. Judges (`screen_picture`, `screen_edges`,
`expect_axis_coordinates`, `expect_png`, `find_picture`) decide in the grading
process.
"""
from pathlib import Path

import torch

PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10]


# -- probe side ---------------------------------------------------------------
def png_facts(path) -> dict:
    """What is in the file at `path`: whether it exists, its first bytes and,
    if it is a PNG, its pixels as an (H, W, 4) float tensor in [0, 1]."""
    path = Path(path)
    if not path.is_file():
        return {"exists": False}
    head = list(path.read_bytes()[:8])
    facts = {"exists": True, "signature": head, "pixels": None}
    if head == PNG_SIGNATURE:
        import matplotlib.image
        pixels = torch.as_tensor(matplotlib.image.imread(str(path)))
        pixels = pixels.float() / 255.0 if pixels.dtype == torch.uint8 else pixels.float()
        if pixels.ndim == 2:
            pixels = pixels[..., None].expand(-1, -1, 3)
        if pixels.shape[-1] == 3:
            pixels = torch.cat([pixels, torch.ones_like(pixels[..., :1])], dim=-1)
        facts["pixels"] = pixels.contiguous()
    return facts


def picture_of(ax) -> dict | None:
    """The first image (imshow) or colour mesh (pcolormesh) drawn in `ax`: its
    array, (left, right, bottom, top) in data coordinates and the origin (which
    of bottom/top row 0 sits at), or None."""
    import numpy as np
    if ax.images:
        image = ax.images[0]
        return {"array": torch.as_tensor(np.array(image.get_array(), dtype=np.float64)),
                "extent": [float(v) for v in image.get_extent()],
                "origin": str(image.origin), "integer": image.get_array().dtype.kind in "ui"}
    from matplotlib.collections import QuadMesh
    for artist in ax.collections:
        if isinstance(artist, QuadMesh):
            corners = artist.get_coordinates()   # (rows + 1, cols + 1, 2); row 0 at ys[0]
            values = np.array(artist.get_array(), dtype=np.float64)
            rows, cols = corners.shape[0] - 1, corners.shape[1] - 1
            if values.size in (rows * cols, rows * cols * 3, rows * cols * 4):
                values = values.reshape(rows, cols, -1).squeeze(-1) if values.size == rows * cols \
                    else values.reshape(rows, cols, -1)
            return {"array": torch.as_tensor(values),
                    "extent": [float(corners[0, 0, 0]), float(corners[0, -1, 0]),
                               float(corners[0, 0, 1]), float(corners[-1, 0, 1])],
                    "origin": "lower", "integer": artist.get_array().dtype.kind in "ui"}
    return None


def figure_facts(fig) -> dict:
    """The returned object as plain data: is it a Figure, its size in pixels and,
    for each axes showing an image or colour mesh, its limits, the picture (array,
    extent, origin) and the ticks that are drawn (position and label text)."""
    from matplotlib.figure import Figure
    if not isinstance(fig, Figure):
        return {"is_figure": False, "type": type(fig).__name__}
    fig.canvas.draw()  # lay out ticks and labels as they are saved
    width, height = fig.get_size_inches() * fig.dpi
    axes = []
    for ax in fig.axes:
        picture = picture_of(ax)
        if picture is None:
            continue

        def ticks(axis, low, high):
            lo, hi = min(low, high), max(low, high)
            return [(float(t.get_loc()), t.label1.get_text()) for t in axis.get_major_ticks()
                    if t.label1.get_visible() and lo - 1e-9 <= t.get_loc() <= hi + 1e-9]

        xlim, ylim = ax.get_xlim(), ax.get_ylim()
        axes.append({"xlim": [float(v) for v in xlim], "ylim": [float(v) for v in ylim],
                     "extent": picture["extent"], "picture": picture,
                     "xticks": ticks(ax.xaxis, *xlim), "yticks": ticks(ax.yaxis, *ylim)})
    return {"is_figure": True, "size": [round(float(width)), round(float(height))],
            "axes": axes}


# -- judge side ---------------------------------------------------------------
def expect_png(facts: dict, what: str) -> torch.Tensor:
    """The file exists and is a PNG (any size); returns its (H, W, 4) pixels."""
    assert facts.get("exists"), f"{what}: no file was written at the path it was given."
    assert facts.get("signature") == PNG_SIGNATURE and facts.get("pixels") is not None, (
        f"{what}: the file is not a PNG image (save it with fig.savefig(path) and a "
        f"path ending in .png).")
    return facts["pixels"]


def screen_edges(low: float, high: float, lim) -> tuple[float, float]:
    """The data positions of a picture's edges `low`, `high` as seen on screen:
    (the one at the left or bottom, the one at the right or top), given the
    axis limits `lim` (decreasing limits mean an inverted axis)."""
    return (low, high) if (high - low) * (lim[1] - lim[0]) > 0 else (high, low)


def screen_picture(axes: dict, what: str) -> torch.Tensor:
    """The RGB picture an axes shows, as seen on screen: row 0 at the bottom,
    column 0 at the left, values in [0, 1], whatever the origin, extent and axis
    directions used to draw it."""
    picture = axes["picture"]
    array = picture["array"].double()
    assert array.ndim == 3 and array.shape[-1] in (3, 4), (
        f"{what} shows an array of shape {tuple(array.shape)}; it should show the RGB "
        f"gradient image, of shape (size, size, 3), not one channel with a colour map.")
    array = array[..., :3] / (255.0 if picture["integer"] else 1.0)
    left, right, bottom, top = picture["extent"]
    first, last = (top, bottom) if picture["origin"] == "upper" else (bottom, top)
    if (last - first) * (axes["ylim"][1] - axes["ylim"][0]) < 0:   # rows run down the screen
        array = array.flip(0)
    if (right - left) * (axes["xlim"][1] - axes["xlim"][0]) < 0:   # columns run leftwards
        array = array.flip(1)
    return array


def find_picture(pixels: torch.Tensor, is_picture: torch.Tensor, what: str,
                 min_fraction: float) -> tuple[int, int, int, int]:
    """The bounding box (top, bottom, left, right; bottom/right exclusive) of
    the pixels marked by `is_picture`, ignoring stray rows and columns."""
    rows, cols = is_picture.sum(1), is_picture.sum(0)
    assert int(rows.max()) > 0, f"{what}: no part of the PNG looks like the expected picture."
    rows_in = torch.nonzero(rows >= 0.2 * rows.max()).flatten()
    cols_in = torch.nonzero(cols >= 0.2 * cols.max()).flatten()
    top, bottom = int(rows_in.min()), int(rows_in.max()) + 1
    left, right = int(cols_in.min()), int(cols_in.max()) + 1
    h, w = pixels.shape[:2]
    assert (bottom - top) >= min_fraction * h and (right - left) >= min_fraction * w, (
        f"{what}: the picture covers only {right - left} x {bottom - top} of the {w} x {h} "
        f"pixels; it should fill most of the figure (at least {min_fraction:.0%} of each side).")
    return top, bottom, left, right


def tick_values(ticks: list, what: str) -> list[tuple[float, float]]:
    """(position, number shown) for each labelled tick."""
    pairs = []
    for position, label in ticks:
        text = str(label).replace("\u2212", "-").strip().strip("$")
        if not text:
            continue
        try:
            pairs.append((float(position), float(text)))
        except ValueError:
            raise AssertionError(f"{what}: the tick label {label!r} is not a number.") from None
    assert len(pairs) >= 2, f"{what} should show at least two labelled ticks, but it shows " \
                            f"{len(pairs)}."
    return pairs


def expect_axis_coordinates(ticks: list, start: float, end: float, low: float, high: float,
                            what: str, atol: float) -> None:
    """The picture spans data positions `start` (its left or bottom edge) to
    `end`; each tick label must be the input coordinate at its position, which
    runs from `low` at `start` to `high` at `end`."""
    for position, shown in tick_values(ticks, what):
        true = low + (position - start) / (end - start) * (high - low)
        assert abs(shown - true) <= atol, (
            f"{what}: the tick labelled {shown:g} sits where the input coordinate is {true:.3g}; "
            f"the axes must show input coordinates, from {low:g} to {high:g}.")
