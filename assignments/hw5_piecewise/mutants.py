"""Known-wrong variants of hw5_piecewise's solution (piecewise.py), each losing the points of
the cases it names, and other correct answers, each earning full marks. Each
replaces definitions of piecewise.py by name (autograder/variants.py). Never shipped."""
FILE = "piecewise.py"

MUTANTS = {
    'no ReLU after the second layer': {
        "replace": {
            'ReLUNet2D.__init__': """\
def __init__(self):
    super().__init__()
    self.layers = nn.Sequential(nn.Linear(2, 25), nn.ReLU(),
                                nn.Linear(25, 25),
                                nn.Linear(25, 1))
""",
        },
        "loses": ['q1_relunet: forward'],
    },
    "field transposed: x goes with the row index (the notes' layout)": {
        "replace": {
            'gradient_field': """\
def gradient_field(net, size=400, extent=1.0):
    \"\"\"The gradient of `net` at the size x size cell centres of [-extent, extent]^2,
    as a (size, size, 2) tensor laid out as in the module docstring.

    `net` is any module mapping (N, 2) points to (N, 1) values. Compute all
    gradients in one batched pass: call `net` once on all size * size points
    and differentiate once; no Python loop over points or rows.\"\"\"
    step = 2 * extent / size
    centres = -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * step
    y, x = torch.meshgrid(centres, centres, indexing="ij")  # y[i, j] = c_i, x[i, j] = c_j
    points = torch.stack([y, x], dim=-1).reshape(-1, 2).requires_grad_(True)
    # Each output depends only on its own point, so the gradient of the sum
    # with respect to the points is every point's own gradient.
    grad, = torch.autograd.grad(net(points).sum(), points)
    return grad.reshape(size, size, 2)
""",
        },
        "loses": ['q2_gradient_field: matches_autograd', 'q2_gradient_field: other_extent'],
    },
    'grid corners (linspace) instead of cell centres': {
        "replace": {
            'gradient_field': """\
def gradient_field(net, size=400, extent=1.0):
    \"\"\"The gradient of `net` at the size x size cell centres of [-extent, extent]^2,
    as a (size, size, 2) tensor laid out as in the module docstring.

    `net` is any module mapping (N, 2) points to (N, 1) values. Compute all
    gradients in one batched pass: call `net` once on all size * size points
    and differentiate once; no Python loop over points or rows.\"\"\"
    step = 2 * extent / size
    centres = torch.linspace(-extent, extent, size)
    y, x = torch.meshgrid(centres, centres, indexing="ij")  # y[i, j] = c_i, x[i, j] = c_j
    points = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    # Each output depends only on its own point, so the gradient of the sum
    # with respect to the points is every point's own gradient.
    grad, = torch.autograd.grad(net(points).sum(), points)
    return grad.reshape(size, size, 2)
""",
        },
        "loses": ['q2_gradient_field: matches_autograd', 'q2_gradient_field: other_extent'],
    },
    'central finite differences instead of autograd': {
        "replace": {
            'gradient_field': """\
def gradient_field(net, size=400, extent=1.0):
    \"\"\"The gradient of `net` at the size x size cell centres of [-extent, extent]^2,
    as a (size, size, 2) tensor laid out as in the module docstring.

    `net` is any module mapping (N, 2) points to (N, 1) values. Compute all
    gradients in one batched pass: call `net` once on all size * size points
    and differentiate once; no Python loop over points or rows.\"\"\"
    step = 2 * extent / size
    centres = -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * step
    y, x = torch.meshgrid(centres, centres, indexing="ij")  # y[i, j] = c_i, x[i, j] = c_j
    points = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    # Each output depends only on its own point, so the gradient of the sum
    # with respect to the points is every point's own gradient.
    with torch.no_grad():
        p = points.detach()
        dx = torch.tensor([step / 2, 0.0])
        dy = torch.tensor([0.0, step / 2])
        gx = (net(p + dx) - net(p - dx)) / step
        gy = (net(p + dy) - net(p - dy)) / step
    return torch.cat([gx, gy], dim=1).reshape(size, size, 2)
""",
        },
        "loses": ['q2_gradient_field: piecewise_constant'],
    },
    'one autograd call per row': {
        "replace": {
            'gradient_field': """\
def gradient_field(net, size=400, extent=1.0):
    \"\"\"The gradient of `net` at the size x size cell centres of [-extent, extent]^2,
    as a (size, size, 2) tensor laid out as in the module docstring.

    `net` is any module mapping (N, 2) points to (N, 1) values. Compute all
    gradients in one batched pass: call `net` once on all size * size points
    and differentiate once; no Python loop over points or rows.\"\"\"
    step = 2 * extent / size
    centres = -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * step
    y, x = torch.meshgrid(centres, centres, indexing="ij")  # y[i, j] = c_i, x[i, j] = c_j
    points = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    # Each output depends only on its own point, so the gradient of the sum
    # with respect to the points is every point's own gradient.
    rows = []
    for row in points.reshape(size, size, 2):
        row = row.detach().requires_grad_(True)
        g, = torch.autograd.grad(net(row).sum(), row)
        rows.append(g)
    return torch.stack(rows)
""",
        },
        "loses": ['q2_gradient_field: one_batched_pass'],
    },
    'image divided by the maximum only': {
        "replace": {
            'gradient_image': """\
def gradient_image(field):
    \"\"\"A (size, size, 3) colour image in [0, 1] from a (size, size, 2) field:
    red = field[..., 0] and green = field[..., 1], each min-max normalised to
    [0, 1]; blue = 0. A component that is constant everywhere gives 0.\"\"\"
    image = torch.zeros(*field.shape[:2], 3)
    for channel in range(2):
        component = field[..., channel].float()
        low, high = component.min(), component.max()
        image[..., channel] = component / component.abs().max().clamp(min=1e-12)
        image[..., channel] = image[..., channel].clamp(0, 1)
    return image
""",
        },
        "loses": ['q3_gradient_image: channels'],
    },
    'constant component gives NaN': {
        "replace": {
            'gradient_image': """\
def gradient_image(field):
    \"\"\"A (size, size, 3) colour image in [0, 1] from a (size, size, 2) field:
    red = field[..., 0] and green = field[..., 1], each min-max normalised to
    [0, 1]; blue = 0. A component that is constant everywhere gives 0.\"\"\"
    image = torch.zeros(*field.shape[:2], 3)
    for channel in range(2):
        component = field[..., channel].float()
        low, high = component.min(), component.max()
        image[..., channel] = (component - low) / (high - low)
    return image
""",
        },
        "loses": ['q3_gradient_image: constant_component'],
    },
    "image normalised in place in the caller's field": {
        "replace": {
            'gradient_image': """\
def gradient_image(field):
    \"\"\"A (size, size, 3) colour image in [0, 1] from a (size, size, 2) field:
    red = field[..., 0] and green = field[..., 1], each min-max normalised to
    [0, 1]; blue = 0. A component that is constant everywhere gives 0.\"\"\"
    image = torch.zeros(*field.shape[:2], 3)
    for channel in range(2):
        component = field[..., channel]
        low, high = component.min(), component.max()
        if high > low:
            component.sub_(low).div_(high - low)
            image[..., channel] = component
    return image
""",
        },
        "loses": ['q3_gradient_image: field_unchanged'],
    },
    'red and green swapped': {
        "replace": {
            'gradient_image': """\
def gradient_image(field):
    \"\"\"A (size, size, 3) colour image in [0, 1] from a (size, size, 2) field:
    red = field[..., 0] and green = field[..., 1], each min-max normalised to
    [0, 1]; blue = 0. A component that is constant everywhere gives 0.\"\"\"
    image = torch.zeros(*field.shape[:2], 3)
    for channel in range(2):
        component = field[..., channel].float()
        low, high = component.min(), component.max()
        if high > low:
            image[..., 1 - channel] = (component - low) / (high - low)
    return image
""",
        },
        "loses": ['q3_gradient_image: channels', 'q5_plot: pixels_follow_gradient_image'],
    },
    'count of distinct numbers, not distinct gradient vectors': {
        "replace": {
            'count_linear_regions': """\
def count_linear_regions(net, size=400, extent=1.0):
    \"\"\"The number of distinct gradients of `net` on the grid of gradient_field:
    each linear piece has one constant gradient, so this counts the pieces the
    grid sees. Gradients equal up to rounding (relative 1e-5) count once.\"\"\"
    field = gradient_field(net, size, extent).reshape(-1, 2).double()
    scale = field.abs().max().clamp(min=1e-12)
    keys = torch.round(field / (1e-5 * scale))
    return int(torch.unique(keys).shape[0])
""",
        },
        "loses": ['q4_count_regions: crossing_kinks', 'q4_count_regions: random_nets'],
    },
    'count of kinks instead of pieces': {
        "replace": {
            'count_linear_regions': """\
def count_linear_regions(net, size=400, extent=1.0):
    \"\"\"The number of distinct gradients of `net` on the grid of gradient_field:
    each linear piece has one constant gradient, so this counts the pieces the
    grid sees. Gradients equal up to rounding (relative 1e-5) count once.\"\"\"
    field = gradient_field(net, size, extent).reshape(-1, 2).double()
    scale = field.abs().max().clamp(min=1e-12)
    keys = torch.round(field / (1e-5 * scale))
    return int(torch.unique(keys, dim=0).shape[0]) - 1
""",
        },
        "loses": ['q4_count_regions: parallel_kinks'],
    },
    "picture upside down (imshow's default origin)": {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image.numpy(), extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
        "loses": ['q5_plot: pixels_follow_gradient_image', 'q5_plot: other_extent'],
    },
    'axes in pixel coordinates': {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image.numpy(), origin="lower", interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
        "loses": ['q5_plot: axes_in_input_coordinates', 'q5_plot: other_extent'],
    },
    'y axis inverted after drawing (y runs down the screen)': {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    ax.invert_yaxis()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
        "loses": ['q5_plot: pixels_follow_gradient_image', 'q5_plot: axes_in_input_coordinates', 'q5_plot: other_extent'],
    },
    'x axis inverted, ticks still input coordinates': {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    ax.set_xlim(extent, -extent)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
        "loses": ['q5_plot: pixels_follow_gradient_image', 'q5_plot: other_extent'],
    },
    'PNG saved before drawing (the file shows nothing)': {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    fig.savefig(path, dpi=100)
    ax.imshow(image.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    plt.close(fig)
    return fig
""",
        },
        "loses": ['q5_plot: png_written', 'q5_plot: other_extent'],
    },
    'a single channel with a colour map instead of the RGB image': {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image[..., 0].numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
        "loses": ['q5_plot: pixels_follow_gradient_image', 'q5_plot: png_written'],
    },
    'count_linear_regions ignores extent (always 1)': {
        "replace": {
            'count_linear_regions': """\
def count_linear_regions(net, size=400, extent=1.0):
    \"\"\"The number of distinct gradients of `net` on the grid of gradient_field:
    each linear piece has one constant gradient, so this counts the pieces the
    grid sees. Gradients equal up to rounding (relative 1e-5) count once.\"\"\"
    field = gradient_field(net, size, 1.0).reshape(-1, 2).double()
    scale = field.abs().max().clamp(min=1e-12)
    keys = torch.round(field / (1e-5 * scale))
    return int(torch.unique(keys, dim=0).shape[0])
""",
        },
        "loses": ['q4_count_regions: other_extent'],
    },
    'plot_linear_regions ignores size (always 400)': {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, 400, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
        "loses": ['q5_plot: other_size'],
    },
    'figure not returned': {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=100)
    plt.close(fig)
""",
        },
        "loses": ['q5_plot: png_written', 'q5_plot: axes_in_input_coordinates'],
    },
}

ALTERNATIVES = {
    "saved with bbox_inches='tight'": {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return fig
""",
        },
    },
    'another figsize and dpi (8 x 5 inches at 72 dpi, saved at 150 dpi)': {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(8, 5), dpi=72)
    ax.imshow(image.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
              interpolation="nearest")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return fig
""",
        },
    },
    "origin='upper' with the image flipped, uint8 colours, a colour bar": {
        "replace": {
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    rgb = (image.flip(0) * 255).round().to(torch.uint8).numpy()
    shown = ax.imshow(rgb, origin="upper", extent=(-extent, extent, -extent, extent),
                      interpolation="nearest")
    fig.colorbar(shown, ax=ax)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
    },
    'notes-style: named layers, backward() on the points, relabelled pixel ticks': {
        "replace": {
            'ReLUNet2D.__init__': """\
def __init__(self):
    super().__init__()
    self.fc1 = nn.Linear(2, 25)
    self.fc2 = nn.Linear(25, 25)
    self.fc3 = nn.Linear(25, 1)
""",
            'ReLUNet2D.forward': """\
def forward(self, x):
    \"\"\"x: (N, 2) points -> (N, 1) values.\"\"\"
    return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))
""",
            'gradient_field': """\
def gradient_field(net, size=400, extent=1.0):
    \"\"\"The gradient of `net` at the size x size cell centres of [-extent, extent]^2,
    as a (size, size, 2) tensor laid out as in the module docstring.

    `net` is any module mapping (N, 2) points to (N, 1) values. Compute all
    gradients in one batched pass: call `net` once on all size * size points
    and differentiate once; no Python loop over points or rows.\"\"\"
    step = 2 * extent / size
    centres = -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * step
    y, x = torch.meshgrid(centres, centres, indexing="ij")  # y[i, j] = c_i, x[i, j] = c_j
    points = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    # Each output depends only on its own point, so the gradient of the sum
    # with respect to the points is every point's own gradient.
    net(points).backward(torch.ones(size * size, 1))
    return points.grad.reshape(size, size, 2)
""",
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    step = 2 * extent / size
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    ax.imshow(image.numpy(), origin="lower")
    locs = [p for p in ax.get_xticks() if -0.5 <= p <= size - 0.5]
    labels = [f"{-extent + (p + 0.5) * step:.2f}" for p in locs]
    ax.set_xticks(locs, labels)
    ax.set_yticks(locs, labels)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
    },
    'torch.func.vmap of grad, chunked counting, pcolormesh plot': {
        "replace": {
            'gradient_field': """\
def gradient_field(net, size=400, extent=1.0):
    \"\"\"The gradient of `net` at the size x size cell centres of [-extent, extent]^2,
    as a (size, size, 2) tensor laid out as in the module docstring.

    `net` is any module mapping (N, 2) points to (N, 1) values. Compute all
    gradients in one batched pass: call `net` once on all size * size points
    and differentiate once; no Python loop over points or rows.\"\"\"
    step = 2 * extent / size
    centres = -extent + (torch.arange(size, dtype=torch.float32) + 0.5) * step
    y, x = torch.meshgrid(centres, centres, indexing="ij")  # y[i, j] = c_i, x[i, j] = c_j
    points = torch.stack([x, y], dim=-1).reshape(-1, 2).requires_grad_(True)
    # Each output depends only on its own point, so the gradient of the sum
    # with respect to the points is every point's own gradient.
    from torch.func import functional_call, grad as fgrad, vmap
    params = dict(net.named_parameters())
    def value(p):
        return functional_call(net, params, (p[None],)).sum()
    grad = vmap(fgrad(value))(points.detach()).detach()
    return grad.reshape(size, size, 2)
""",
            'gradient_image': """\
def gradient_image(field):
    \"\"\"A (size, size, 3) colour image in [0, 1] from a (size, size, 2) field:
    red = field[..., 0] and green = field[..., 1], each min-max normalised to
    [0, 1]; blue = 0. A component that is constant everywhere gives 0.\"\"\"
    image = torch.zeros(*field.shape[:2], 3)
    for channel in range(2):
        component = field[..., channel].float()
        span = (component.max() - component.min()).clamp(min=1e-30)
        image[..., channel] = torch.where(span > 1e-30, (component - component.min()) / span,
                                          torch.zeros_like(component))
    return image
""",
            'count_linear_regions': """\
def count_linear_regions(net, size=400, extent=1.0):
    \"\"\"The number of distinct gradients of `net` on the grid of gradient_field:
    each linear piece has one constant gradient, so this counts the pieces the
    grid sees. Gradients equal up to rounding (relative 1e-5) count once.\"\"\"
    field = gradient_field(net, size, extent).reshape(-1, 2).double()
    scale = field.abs().max().clamp(min=1e-12)
    rows = sorted(map(tuple, (field / scale).tolist()))
    count, last = 0, None
    for row in rows:
        if last is None or max(abs(a - b) for a, b in zip(row, last)) > 1e-5:
            count += 1
        last = row
    return count
""",
            'plot_linear_regions': """\
def plot_linear_regions(net, path, size=400, extent=1.0):
    \"\"\"Draw gradient_image(gradient_field(net, size, extent)) with the axes in
    input coordinates (x to the right, y up, both from -extent to extent),
    save it as a PNG at `path` and return the Figure.\"\"\"
    image = gradient_image(gradient_field(net, size, extent))
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    edges = torch.linspace(-extent, extent, size + 1).numpy()
    ax.pcolormesh(edges, edges, image.numpy())
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("linear pieces: red = d/dx, green = d/dy")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
""",
        },
    },
}
