"""Q5: MaxConvNet is the notes' MNIST network of convolutions and max pooling
(1.4): no ReLU anywhere, fewer than 5,000 parameters, (N, 10) logits for
(N, 1, 28, 28) images, and it learns.

"No ReLU" is checked by behaviour: no ReLU-like module in the model, and no
ReLU-like torch function (F.relu, torch.relu, Tensor.relu, nn.ReLU, ...)
called in forward, seen through a TorchFunctionMode (autograder/nnprobe.py).

"It learns": the probe trains a fresh MaxConvNet with the grader's fixed
recipe (Adam, mini-batches of 32, 125 steps over the first 4,000 training
images; see config.toml) and returns its predictions on the first 2,000 test
images; the judge counts the correct ones against labels it loads itself.
Offline without MNIST, the embedded digits set stands in, with its own
thresholds, and the output says so.
"""
import torch
import torch.nn.functional as F

from autograder import datasets
from autograder.checks import (
    expect_at_least,
    expect_depends_on_input,
    expect_shape,
    only_when_right,
)
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q5_maxconv_net"
points = None

nnprobe = support("nnprobe")

CFG = config()
RELU_LIKE = ("relu", "threshold")


@probe
def structure(MaxConvNet):
    model = MaxConvNet()
    model.eval()
    x = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(6))
    with torch.no_grad():
        out, calls = nnprobe.torch_calls(model, x)
    return {"shapes": [tuple(p.shape) for p in model.parameters()], "out": out,
            "calls": sorted(set(calls)),
            "modules": sorted({type(m).__name__ for m in model.modules()})}


@probe
def maxconv_one_image(MaxConvNet):
    model = MaxConvNet()
    model.eval()
    with torch.no_grad():
        return model(torch.randn(1, 1, 28, 28, generator=torch.Generator().manual_seed(6)))


@probe
def trained(MaxConvNet):
    images, labels, source = datasets.mnist_tensors(True, limit=CFG["maxconv_train_images"])
    test_images, _, _ = datasets.mnist_tensors(False, limit=CFG["maxconv_test_images"])
    model = MaxConvNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=CFG["maxconv_lr"])
    g = torch.Generator().manual_seed(0)
    order = torch.empty(0, dtype=torch.int64)
    batch = CFG["maxconv_batch"]
    model.train()
    for _ in range(CFG["maxconv_steps"]):
        if len(order) < batch:  # a new epoch: a fresh permutation
            order = torch.cat([order, torch.randperm(len(images), generator=g)])
        chosen, order = order[:batch], order[batch:]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images[chosen]), labels[chosen])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        predictions = model(test_images).argmax(dim=1)
    return {"predictions": predictions, "source": source}


def parameter_count(env):
    return sum(torch.Size(shape).numel() for shape in structure(env)["shapes"])


def accuracy(env):
    """(test accuracy of the trained predictions, data source), labels loaded here."""
    seen = trained(env)
    _, labels, source = datasets.mnist_tensors(False, limit=CFG["maxconv_test_images"])
    assert seen["source"] == source, (f"Grader set-up problem: training used {seen['source']} "
                                      f"but the test labels are {source}; tell your instructor.")
    predictions = expect_shape(seen["predictions"], labels.shape,
                               "The predictions of the trained MaxConvNet")
    return (predictions == labels).double().mean().item(), source


def expect_accuracy(env, level):
    seen, source = accuracy(env)
    kind = "mnist" if datasets.is_real(source) else "digits"
    needed = CFG[f"{level}_{kind}"]
    expect_at_least(seen, needed, (
        f"After the grader's short training (Adam, lr {CFG['maxconv_lr']}, "
        f"{CFG['maxconv_steps']} mini-batches of {CFG['maxconv_batch']}) MaxConvNet "
        f"classified {seen:.4f} of the test images of {source} correctly; at least "
        f"{needed:.2f} is needed. Check that forward applies every convolution and max pool "
        f"and flattens each image on its own (x.view(-1, 4 * 4 * 15))."),
        figure=f"test accuracy on {'MNIST' if kind == 'mnist' else 'digits'}")
    return f"Test accuracy {seen:.4f} on {source} (needed {needed:.2f})."


def only_when_working(env):
    """Budget and no-ReLU count only for a network that computes: convolutions and max
    pooling whose output depends on the image."""
    seen = structure(env)
    only_when_right(lambda: (expect_conv_and_pool(seen["calls"]),
                             expect_depends_on_input(seen["out"], "MaxConvNet()(x)")),
                    "MaxConvNet's forward")


@test_case(points=1, hidden=False)
def test_parameter_budget(env):
    """MaxConvNet has fewer than 5,000 parameters (the notes' network has 4,885)."""
    only_when_working(env)
    count = parameter_count(env)
    limit = CFG["maxconv_max_parameters"]
    assert count < limit, f"MaxConvNet() has {count:,} parameters; it must have fewer than {limit:,}."


@test_case(points=1, hidden=False)
def test_output_shape(env):
    """MaxConvNet maps (N, 1, 28, 28) images to (N, 10) logits, also for N = 1."""
    seen = structure(env)
    expect_shape(seen["out"], (4, 10), "MaxConvNet()(x) for x of shape (4, 1, 28, 28)")
    expect_shape(maxconv_one_image(env), (1, 10), "MaxConvNet()(x) for x of shape (1, 1, 28, 28)")
    only_when_right(lambda: expect_depends_on_input(seen["out"], "MaxConvNet()(x)"), "MaxConvNet()(x)")


@test_case(points=2, hidden=False)
def test_no_relu(env):
    """No ReLU anywhere: no ReLU module, and forward calls no relu function; max pooling is the nonlinearity."""
    only_when_working(env)
    seen = structure(env)
    modules = [m for m in seen["modules"] if any(w in m.lower() for w in RELU_LIKE)]
    assert not modules, (f"MaxConvNet contains {', '.join(modules)}; the notes' network has no "
                         f"ReLU: max pooling alone makes it nonlinear.")
    calls = [c for c in seen["calls"] if any(w in c.lower() for w in RELU_LIKE)]
    assert not calls, (f"MaxConvNet's forward calls {', '.join(calls)}; the notes' network has "
                       f"no ReLU: max pooling alone makes it nonlinear.")


@test_case(points=1, hidden=True)
def test_convolutions_and_max_pooling(env):
    """forward uses convolutions and max pooling."""
    expect_conv_and_pool(structure(env)["calls"])


def expect_conv_and_pool(calls):
    assert "conv2d" in calls, "MaxConvNet's forward applies no convolution (nn.Conv2d)."
    assert any("max_pool" in c for c in calls), (
        "MaxConvNet's forward applies no max pooling (nn.MaxPool2d); without it (and without "
        "ReLU) the network is linear.")


@test_case(points=2, hidden=False)
def test_learns(env):
    """After a short training MaxConvNet classifies at least 80% of the MNIST test images."""
    return expect_accuracy(env, "floor")


@test_case(points=2, hidden=True)
def test_learns_well(env):
    """After a short training MaxConvNet classifies at least 84% of the MNIST test images."""
    return expect_accuracy(env, "threshold")
