"""hw5_piecewise graders are right: the solution earns everything, the stub
nothing, each known-wrong variant loses the points of the test aimed at it,
and alternative correct answers earn full marks."""
import pytest

from harness import SOLUTIONS, TEMPLATE, assert_full_marks, assert_zero, grade, grade_alternative, grade_mutant

HW, FILE = "hw5_piecewise", "piecewise.py"

FORWARD = "        return self.layers(x)\n"
POINTS = "    points = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)\n"
GRAD = ("    grad, = torch.autograd.grad(net(points).sum(), points)\n"
        "    return grad.reshape(size, size, 2)\n")
NORMALISE = ("        if high > low:\n"
             "            image[..., channel] = (component - low) / (high - low)\n")
COUNT = "    return int(torch.unique(keys, dim=0).shape[0])\n"
IMSHOW = ('    ax.imshow(image.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),\n'
          '              interpolation="nearest")\n')
SAVE = "    fig.savefig(path, dpi=100)\n"

MUTANTS = {
    "no ReLU after the second layer": (
        [("nn.Linear(25, 25), nn.ReLU(),", "nn.Linear(25, 25),")],
        ["q1_relunet: forward"]),
    "field transposed: x goes with the row index (the notes' layout)": (
        [(POINTS, POINTS.replace("[x, y]", "[y, x]"))],
        ["q2_gradient_field: matches_autograd", "q2_gradient_field: other_extent"]),
    "grid corners (linspace) instead of cell centres": (
        [("    centres = -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * step\n",
          "    centres = torch.linspace(-extent, extent, size)\n")],
        ["q2_gradient_field: matches_autograd", "q2_gradient_field: other_extent"]),
    "central finite differences instead of autograd": (
        [(GRAD, "    with torch.no_grad():\n"
                "        p = points.detach()\n"
                "        dx = torch.tensor([step / 2, 0.0])\n"
                "        dy = torch.tensor([0.0, step / 2])\n"
                "        gx = (net(p + dx) - net(p - dx)) / step\n"
                "        gy = (net(p + dy) - net(p - dy)) / step\n"
                "    return torch.cat([gx, gy], dim=1).reshape(size, size, 2)\n")],
        ["q2_gradient_field: piecewise_constant"]),
    "one autograd call per row": (
        [(GRAD, "    rows = []\n"
                "    for row in points.reshape(size, size, 2):\n"
                "        row = row.detach().requires_grad_(True)\n"
                "        g, = torch.autograd.grad(net(row).sum(), row)\n"
                "        rows.append(g)\n"
                "    return torch.stack(rows)\n")],
        ["q2_gradient_field: one_batched_pass"]),
    "image divided by the maximum only": (
        [(NORMALISE, "        image[..., channel] = component / component.abs().max().clamp(min=1e-12)\n"
                     "        image[..., channel] = image[..., channel].clamp(0, 1)\n")],
        ["q3_gradient_image: channels"]),
    "constant component gives NaN": (
        [(NORMALISE, "        image[..., channel] = (component - low) / (high - low)\n")],
        ["q3_gradient_image: constant_component"]),
    "image normalised in place in the caller's field": (
        [("        component = field[..., channel].float()\n",
          "        component = field[..., channel]\n"),
         (NORMALISE, "        if high > low:\n"
                     "            component.sub_(low).div_(high - low)\n"
                     "            image[..., channel] = component\n")],
        ["q3_gradient_image: field_unchanged"]),
    "red and green swapped": (
        [("            image[..., channel] = (component - low) / (high - low)\n",
          "            image[..., 1 - channel] = (component - low) / (high - low)\n")],
        ["q3_gradient_image: channels", "q5_plot: pixels_follow_gradient_image"]),
    "count of distinct numbers, not distinct gradient vectors": (
        [(COUNT, "    return int(torch.unique(keys).shape[0])\n")],
        ["q4_count_regions: crossing_kinks", "q4_count_regions: random_nets"]),
    "count of kinks instead of pieces": (
        [(COUNT, "    return int(torch.unique(keys, dim=0).shape[0]) - 1\n")],
        ["q4_count_regions: parallel_kinks"]),
    "picture upside down (imshow's default origin)": (
        [(IMSHOW, IMSHOW.replace('origin="lower", ', ""))],
        ["q5_plot: pixels_follow_gradient_image", "q5_plot: other_extent"]),
    "axes in pixel coordinates": (
        [(IMSHOW, '    ax.imshow(image.numpy(), origin="lower", interpolation="nearest")\n')],
        ["q5_plot: axes_in_input_coordinates", "q5_plot: other_extent"]),
    "y axis inverted after drawing (y runs down the screen)": (
        [(SAVE, "    ax.invert_yaxis()\n" + SAVE)],
        ["q5_plot: pixels_follow_gradient_image", "q5_plot: axes_in_input_coordinates",
         "q5_plot: other_extent"]),
    "x axis inverted, ticks still input coordinates": (
        [(SAVE, "    ax.set_xlim(extent, -extent)\n" + SAVE)],
        ["q5_plot: pixels_follow_gradient_image", "q5_plot: other_extent"]),
    "PNG saved before drawing (the file shows nothing)": (
        [(SAVE, ""), ("    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)\n",
                      "    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)\n" + SAVE)],
        ["q5_plot: png_written", "q5_plot: other_extent"]),
    "a single channel with a colour map instead of the RGB image": (
        [(IMSHOW, IMSHOW.replace("image.numpy()", "image[..., 0].numpy()"))],
        ["q5_plot: pixels_follow_gradient_image", "q5_plot: png_written"]),
    "count_linear_regions ignores extent (always 1)": (
        [("    field = gradient_field(net, size, extent).reshape(-1, 2).double()\n",
          "    field = gradient_field(net, size, 1.0).reshape(-1, 2).double()\n")],
        ["q4_count_regions: other_extent"]),
    "plot_linear_regions ignores size (always 400)": (
        [("    image = gradient_image(gradient_field(net, size, extent))\n",
          "    image = gradient_image(gradient_field(net, 400, extent))\n")],
        ["q5_plot: other_size"]),
    "figure not returned": (
        [("    plt.close(fig)\n    return fig\n", "    plt.close(fig)\n")],
        ["q5_plot: png_written", "q5_plot: axes_in_input_coordinates"]),
}

ALTERNATIVES = {
    "saved with bbox_inches='tight'": [(SAVE, '    fig.savefig(path, bbox_inches="tight")\n')],
    "another figsize and dpi (8 x 5 inches at 72 dpi, saved at 150 dpi)": [
        ("    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)\n",
         "    fig, ax = plt.subplots(figsize=(8, 5), dpi=72)\n"),
        (SAVE, "    fig.savefig(path, dpi=150)\n")],
    "origin='upper' with the image flipped, uint8 colours, a colour bar": [
        (IMSHOW, "    rgb = (image.flip(0) * 255).round().to(torch.uint8).numpy()\n"
                 '    shown = ax.imshow(rgb, origin="upper", extent=(-extent, extent, -extent, extent),\n'
                 '                      interpolation="nearest")\n'
                 "    fig.colorbar(shown, ax=ax)\n")],
    "notes-style: named layers, backward() on the points, relabelled pixel ticks": [
        ("        self.layers = nn.Sequential(nn.Linear(2, 25), nn.ReLU(),\n"
         "                                    nn.Linear(25, 25), nn.ReLU(),\n"
         "                                    nn.Linear(25, 1))\n",
         "        self.fc1 = nn.Linear(2, 25)\n        self.fc2 = nn.Linear(25, 25)\n"
         "        self.fc3 = nn.Linear(25, 1)\n"),
        (FORWARD, "        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))\n"),
        (GRAD, "    net(points).backward(torch.ones(size * size, 1))\n"
               "    return points.grad.reshape(size, size, 2)\n"),
        (IMSHOW, '    ax.imshow(image.numpy(), origin="lower")\n'
                 "    locs = [p for p in ax.get_xticks() if -0.5 <= p <= size - 0.5]\n"
                 '    labels = [f"{-extent + (p + 0.5) * step:.2f}" for p in locs]\n'
                 "    ax.set_xticks(locs, labels)\n"
                 "    ax.set_yticks(locs, labels)\n"),
        ("    image = gradient_image(gradient_field(net, size, extent))\n",
         "    image = gradient_image(gradient_field(net, size, extent))\n"
         "    step = 2 * extent / size\n"),
    ],
    "torch.func.vmap of grad, chunked counting, pcolormesh plot": [
        ("    grad, = torch.autograd.grad(net(points).sum(), points)\n",
         "    from torch.func import functional_call, grad as fgrad, vmap\n"
         "    params = dict(net.named_parameters())\n"
         "    def value(p):\n"
         "        return functional_call(net, params, (p[None],)).sum()\n"
         "    grad = vmap(fgrad(value))(points.detach()).detach()\n"),
        ("    keys = torch.round(field / (1e-5 * scale))\n"
         "    return int(torch.unique(keys, dim=0).shape[0])\n",
         "    rows = sorted(map(tuple, (field / scale).tolist()))\n"
         "    count, last = 0, None\n"
         "    for row in rows:\n"
         "        if last is None or max(abs(a - b) for a, b in zip(row, last)) > 1e-5:\n"
         "            count += 1\n"
         "        last = row\n"
         "    return count\n"),
        ("        component = field[..., channel].float()\n        low, high = component.min(), component.max()\n"
         "        if high > low:\n            image[..., channel] = (component - low) / (high - low)\n",
         "        component = field[..., channel].float()\n"
         "        span = (component.max() - component.min()).clamp(min=1e-30)\n"
         "        image[..., channel] = torch.where(span > 1e-30, (component - component.min()) / span,\n"
         "                                          torch.zeros_like(component))\n"),
        (IMSHOW, "    edges = torch.linspace(-extent, extent, size + 1).numpy()\n"
                 "    ax.pcolormesh(edges, edges, image.numpy())\n"
                 '    ax.set_aspect("equal")\n'),
    ],
}


def test_solution_full_marks():
    assert_full_marks(grade(HW, SOLUTIONS / HW))


def test_stub_scores_zero():
    assert_zero(grade(HW, TEMPLATE / HW))


@pytest.mark.parametrize("name", MUTANTS)
def test_mutant_loses_points(name, tmp_path):
    grade_mutant(HW, FILE, *MUTANTS[name], tmp_path / "mutant")


@pytest.mark.parametrize("name", ALTERNATIVES)
def test_alternative_full_marks(name, tmp_path):
    grade_alternative(HW, FILE, ALTERNATIVES[name], tmp_path / "alt")
