"""Q2: the models fit their parameter budgets (downsized for 32x32 images)."""
from autograder.checks import parameter_shapes
from autograder.testing import config, probe, test_case

OK_FORMAT = False
name = "q2_budgets"
points = None

CFG = config()


@probe
def vgg_parameters(SmallVGG):
    return parameter_shapes(SmallVGG())


@probe
def resnet_parameters(SmallResNet):
    return parameter_shapes(SmallResNet())


@probe
def final_parameters(build_model):
    return parameter_shapes(build_model())


def expect_budget(shapes, budget, what):
    count = 0
    for shape in shapes:
        size = 1
        for n in shape:
            size *= int(n)
        count += size
    assert count > 0, f"{what} has no parameters at all."
    assert count <= budget, (
        f"{what} has {count:,} parameters; the budget is {budget:,}. Use fewer channels or "
        f"fewer layers (the notes, 1.8.2: the ImageNet models are too big for CIFAR10).")
    return f"{what}: {count:,} parameters (budget {budget:,})."


@test_case(points=1, hidden=False)
def test_vgg_budget(env):
    """SmallVGG() has at most vgg_max_parameters parameters (config; 5,000,000)."""
    return expect_budget(vgg_parameters(env), CFG["vgg_max_parameters"],
                         "SmallVGG()")


@test_case(points=1, hidden=False)
def test_resnet_budget(env):
    """SmallResNet() has at most resnet_max_parameters parameters (config; 1,000,000)."""
    return expect_budget(resnet_parameters(env),
                         CFG["resnet_max_parameters"], "SmallResNet()")


@test_case(points=1, hidden=False)
def test_final_budget(env):
    """build_model() has at most final_max_parameters parameters (config; 5,000,000)."""
    return expect_budget(final_parameters(env),
                         CFG["final_max_parameters"], "build_model()")
