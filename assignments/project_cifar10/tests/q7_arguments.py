"""Q7: the constructors use their arguments (small models built with other values)."""
import torch

from autograder.checks import expect_shape, only_when_right
from autograder.testing import config, probe, test_case

OK_FORMAT = False
name = "q7_arguments"
points = None

CFG = config()

# Small sizes, so each model is built and run in well under a second.
VGG_ARGS = {"num_classes": 5, "widths": (8, 12), "hidden": 20}
RESNET_ARGS = {"num_classes": 6, "widths": (4, 8, 12), "blocks": (1, 2, 1)}
MEAN, STD = (0.1, 0.3, 0.6), (0.5, 0.25, 2.0)


def images(n, channels=3, side=32, seed=7):
    return torch.rand(n, channels, side, side, generator=torch.Generator().manual_seed(seed))


def weight_count(model):
    """Entries of the weight matrices and kernels (tensors of 2 or more dimensions):
    biases and batch norm's scale and shift are left out, so bias=True or False in a
    convolution does not matter."""
    return sum(p.numel() for p in model.parameters() if p.dim() >= 2)


def shape_and_weights(model, x):
    model.eval()
    with torch.no_grad():
        return {"out": model(x), "weights": weight_count(model)}


@probe
def vgg_with_arguments(SmallVGG):
    return shape_and_weights(SmallVGG(**VGG_ARGS), images(2))


@probe
def resnet_with_arguments(SmallResNet):
    return shape_and_weights(SmallResNet(**RESNET_ARGS), images(2))


@probe
def basic_block_outputs(BasicBlock):
    x = images(2, channels=4, side=16)
    return {"halving": shape_and_weights(BasicBlock(4, 8, stride=2), x),
            "same": shape_and_weights(BasicBlock(4, 4), x)}


@probe
def normalize_output(Normalize):
    x = images(2)
    return {"x": x, "out": Normalize(mean=MEAN, std=STD)(x).detach()}


def vgg_weights(num_classes, widths, hidden):
    """Two 3x3 convolutions per width, then linear layers flatten -> hidden -> classes."""
    count, channels = 0, 3
    for width in widths:
        count += 9 * channels * width + 9 * width * width
        channels = width
    side = 32 // 2 ** len(widths)
    return count + channels * side * side * hidden + hidden * num_classes


def resnet_weights(num_classes, widths, blocks, every_block_projects=False):
    """3x3 stem; per block two 3x3 convolutions and a 1x1 projection where the shape
    changes (stride 2 at the first block of every stage after the first), or in every
    block (a projection shortcut everywhere is allowed too); linear layer."""
    count, channels = 9 * 3 * widths[0], widths[0]
    for i, (width, n) in enumerate(zip(widths, blocks)):
        for j in range(n):
            stride = 2 if i > 0 and j == 0 else 1
            count += 9 * channels * width + 9 * width * width
            if stride != 1 or channels != width or every_block_projects:
                count += channels * width
            channels = width
    return count + channels * num_classes


def call_of(cls, args):
    return f"{cls}({', '.join(f'{k}={v}' for k, v in args.items())})"


def expect_weights(seen, expected, what, hint):
    """`expected`: the count, or the counts of the allowed variants (identity or
    projection shortcuts); the message names the first."""
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert seen["weights"] in allowed, (
        f"{what} has {seen['weights']:,} weights in its convolutions and linear layers "
        f"(biases and batch norm not counted); the architecture in models.py's docstring "
        f"gives {allowed[0]:,}. {hint}")


@test_case(points=1, hidden=True)
def test_vgg_arguments(env):
    """SmallVGG(num_classes, widths, hidden) builds the model those numbers describe."""
    what = call_of("SmallVGG", VGG_ARGS)
    seen = vgg_with_arguments(env)
    expect_shape(seen["out"], (2, VGG_ARGS["num_classes"]), f"{what}(x) for x of shape (2, 3, 32, 32)")
    expect_weights(seen, vgg_weights(**VGG_ARGS), what,
                   "Use `widths` (one stage of two convolutions per entry) and `hidden` "
                   "(the classifier's hidden layer) instead of fixed numbers.")


@test_case(points=1, hidden=True)
def test_resnet_arguments(env):
    """SmallResNet(num_classes, widths, blocks) builds the model those numbers describe."""
    expect_resnet_arguments(env)


def expect_resnet_arguments(env):
    what = call_of("SmallResNet", RESNET_ARGS)
    seen = resnet_with_arguments(env)
    expect_shape(seen["out"], (2, RESNET_ARGS["num_classes"]), f"{what}(x) for x of shape (2, 3, 32, 32)")
    counts = (resnet_weights(**RESNET_ARGS), resnet_weights(**RESNET_ARGS, every_block_projects=True))
    expect_weights(seen, counts, what,
                   "Use `widths` (one stage per entry) and `blocks` (blocks[i] basic blocks "
                   "in stage i) instead of fixed numbers.")


@test_case(points=1, hidden=True)
def test_basic_block_stride(env):
    """BasicBlock(in, out, stride=2) halves the resolution; stride 1 keeps it."""
    seen = basic_block_outputs(env)
    expect_shape(seen["halving"]["out"], (2, 8, 8, 8),
                 "BasicBlock(4, 8, stride=2)(x) for x of shape (2, 4, 16, 16)")
    expect_shape(seen["same"]["out"], (2, 4, 16, 16),
                 "BasicBlock(4, 4)(x) for x of shape (2, 4, 16, 16)")
    expect_weights(seen["halving"], 9 * 4 * 8 + 9 * 8 * 8 + 4 * 8, "BasicBlock(4, 8, stride=2)",
                   "Two 3x3 convolutions (the first from in_channels to out_channels) and a "
                   "1x1 projection shortcut, since the shape changes.")
    expect_weights(seen["same"], (2 * 9 * 4 * 4, 2 * 9 * 4 * 4 + 4 * 4), "BasicBlock(4, 4)",
                   "Two 3x3 convolutions and the identity shortcut (nothing to learn).")


@test_case(points=1, hidden=True)
def test_normalize_arguments(env):
    """Normalize(mean, std) computes (x - mean) / std per channel with the numbers given."""
    # Normalize comes with the stub: its point counts once the models that use it are built.
    only_when_right(lambda: expect_resnet_arguments(env), call_of("SmallResNet", RESNET_ARGS))
    seen = normalize_output(env)
    what = f"Normalize(mean={MEAN}, std={STD})(x)"
    expect_shape(seen["out"], tuple(seen["x"].shape), what)
    mean, std = torch.tensor(MEAN).view(1, 3, 1, 1), torch.tensor(STD).view(1, 3, 1, 1)
    expected = (seen["x"] - mean) / std
    assert torch.allclose(seen["out"], expected, rtol=1e-5, atol=1e-6), (
        f"{what} differs from (x - mean) / std per channel by up to "
        f"{(seen['out'] - expected).abs().max().item():.3g}: use the mean and std it is given.")
