"""Q3: gradient_image(field) is a (size, size, 3) image in [0, 1]: red and green are
the two gradient components, each min-max normalised; blue is 0."""
import torch

from autograder.checks import expect_close, expect_finite, expect_shape, only_when_right
from autograder.testing import probe, test_case

OK_FORMAT = False
name = "q3_gradient_image"
points = None


def sample_field(seed, size=30):
    """A field with a few constant patches, like a real gradient field."""
    g = torch.Generator().manual_seed(seed)
    patches = torch.randn(6, 2, generator=g) * torch.tensor([3.0, 0.5]) + torch.tensor([1.0, -2.0])
    labels = torch.randint(0, 6, (size // 5, size // 5), generator=g)
    labels = labels.repeat_interleave(5, 0).repeat_interleave(5, 1)
    return patches[labels]


def constant_y_field(size=20):
    field = sample_field(5, size)
    field[..., 1] = 0.75
    return field


@probe
def images(gradient_image):
    return [gradient_image(sample_field(seed)) for seed in range(3)]


@probe
def constant_component(gradient_image):
    return gradient_image(constant_y_field())


@probe
def field_after_call(gradient_image):
    field = sample_field(7)
    gradient_image(field)
    return field


def expected_image(field):
    image = torch.zeros(*field.shape[:2], 3)
    for k in range(2):
        c = field[..., k]
        if c.max() > c.min():
            image[..., k] = (c - c.min()) / (c.max() - c.min())
    return image


@test_case(points=1, hidden=False)
def test_shape_and_range(env):
    """The image has shape (size, size, 3) and values in [0, 1]."""
    only_when_right(lambda: expect_channels(env), "gradient_image(field)")
    for seen in images(env):
        what = "gradient_image(field) for a (30, 30, 2) field"
        expect_shape(seen, (30, 30, 3), what)
        expect_finite(seen, what)
        low, high = float(seen.min()), float(seen.max())
        assert 0 <= low and high <= 1, f"{what} has values from {low:.3g} to {high:.3g}; " \
                                       f"they must lie in [0, 1]."


@test_case(points=2, hidden=False)
def test_channels(env):
    """Red is d/dx and green is d/dy, each scaled so its minimum is 0 and maximum 1; blue is 0."""
    expect_channels(env)


def expect_channels(env):
    for seed, seen in enumerate(images(env)):
        field = sample_field(seed)
        expected = expected_image(field)
        expect_shape(seen, expected.shape, "gradient_image(field)")
        for k, channel in enumerate(["red", "green", "blue"]):
            try:
                expect_close(seen[..., k], expected[..., k],
                             f"The {channel} channel of gradient_image(field)", atol=1e-5)
            except AssertionError as exc:
                if k < 2 and (seen[..., 1 - k] - expected[..., k]).abs().max() < 1e-5:
                    raise AssertionError(f"{exc} The red and green channels look swapped: red is "
                                         f"field[..., 0] (d/dx), green is field[..., 1] (d/dy).")
                raise


@test_case(points=1, hidden=True)
def test_constant_component(env):
    """A component that is the same everywhere gives a channel of zeros, not NaN."""
    seen = constant_component(env)
    expect_close(seen, expected_image(constant_y_field()),
                 "gradient_image(field) when field[..., 1] is constant", atol=1e-5)


@test_case(points=1, hidden=True)
def test_field_unchanged(env):
    """gradient_image does not modify the field it is given."""
    only_when_right(lambda: expect_channels(env), "gradient_image(field)")
    expect_close(field_after_call(env), sample_field(7),
                 "The field after calling gradient_image(field) (it must not change)", atol=0, rtol=0)
