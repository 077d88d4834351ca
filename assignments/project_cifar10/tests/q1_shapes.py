"""Q1: SmallVGG, SmallResNet and build_model() map (N, 3, 32, 32) images to (N, 10) logits."""
import torch

from autograder.checks import expect_depends_on_input, expect_finite, expect_shape, only_when_right
from autograder.testing import config, probe, test_case

OK_FORMAT = False
name = "q1_shapes"
points = None

CFG = config()


def images(n, seed):
    """Random images with values in [0, 1], as ToTensor() gives them."""
    return torch.rand(n, 3, 32, 32, generator=torch.Generator().manual_seed(seed))


def outputs_of(model, n):
    """Logits in training mode (batch of n), in eval mode (batch of n) and for one image."""
    x = images(n, 1)
    model.train()
    train = model(x)
    model.eval()
    with torch.no_grad():
        return {"train": train.detach(), "eval": model(x), "single": model(x[:1])}


@probe
def vgg_outputs(SmallVGG):
    return outputs_of(SmallVGG(), CFG["check_batch"])


@probe
def resnet_outputs(SmallResNet):
    return outputs_of(SmallResNet(), CFG["check_batch"])


@probe
def final_outputs(build_model):
    return outputs_of(build_model(), CFG["check_batch"])


@probe
def seven_classes(SmallVGG, SmallResNet):
    x = images(3, 2)
    return {name: cls(num_classes=7).eval()(x).detach()
            for name, cls in (("SmallVGG", SmallVGG), ("SmallResNet", SmallResNet))}


def expect_logits(seen, what):
    n = CFG["check_batch"]
    for mode, rows in (("train", n), ("eval", n), ("single", 1)):
        label = {"train": f"{what}(x) in training mode for x of shape ({n}, 3, 32, 32)",
                 "eval": f"{what}(x) in eval mode for x of shape ({n}, 3, 32, 32)",
                 "single": f"{what}(x) in eval mode for one image, x of shape (1, 3, 32, 32)"}[mode]
        expect_shape(seen[mode], (rows, 10), label)
        expect_finite(seen[mode], label)
    only_when_right(lambda: expect_depends_on_input(seen["eval"], f"{what}(x)"), f"{what}(x)")


@test_case(points=1, hidden=False)
def test_vgg_output(env):
    """SmallVGG() returns (N, 10) finite logits for (N, 3, 32, 32) images, in both modes."""
    expect_logits(vgg_outputs(env), "SmallVGG()")


@test_case(points=1, hidden=False)
def test_resnet_output(env):
    """SmallResNet() returns (N, 10) finite logits for (N, 3, 32, 32) images, in both modes."""
    expect_logits(resnet_outputs(env), "SmallResNet()")


@test_case(points=1, hidden=False)
def test_build_model_output(env):
    """build_model() returns a model giving (N, 10) logits, also for a single image in eval mode."""
    expect_logits(final_outputs(env), "build_model()")


@test_case(points=1, hidden=True)
def test_num_classes(env):
    """SmallVGG(num_classes=7) and SmallResNet(num_classes=7) give (N, 7) logits."""
    for name, seen in seven_classes(env).items():
        expect_shape(seen, (3, 7), f"{name}(num_classes=7)(x) for x of shape (3, 3, 32, 32)")


@probe
def final_model_kind(build_model, SmallVGG, SmallResNet):
    model = build_model()
    return {"class": type(model).__name__,
            "is_one_of_the_two": isinstance(model, (SmallVGG, SmallResNet))}


@test_case(points=1, hidden=True)
def test_build_model_is_one_of_the_two(env):
    """build_model() returns a SmallVGG or a SmallResNet (built with the sizes you chose)."""
    seen = final_model_kind(env)
    only_when_right(lambda: expect_logits(final_outputs(env), "build_model()"),
                    "the output of build_model()")
    assert seen["is_one_of_the_two"], (
        f"build_model() returns a {seen['class']}; it must return one of the two models of "
        f"models.py, a SmallVGG or a SmallResNet.")
