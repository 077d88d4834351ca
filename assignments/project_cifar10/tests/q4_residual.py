"""Q4: SmallResNet has shortcut connections that carry the signal around its convolutions.

Checked by behaviour, whatever the layers are called: zero the weights of one
convolution at a time, in eval mode, and see whether the output still depends
on the input. In a plain stack of layers it no longer does; where a shortcut
goes around the convolution it still does. (Batch norm scales and biases get
generic values first, so no zero-initialised layer hides anything, and the
running statistics come from the same images, so no signal fades away.) Most of a ResNet's convolutions sit
inside residual blocks, so most must be bypassed this way.
"""
import torch

from autograder.testing import config, probe, test_case

OK_FORMAT = False
name = "q4_residual"
points = None

CFG = config()
CALIBRATION_PASSES = 40   # training-mode passes: running stats within 2% of the batch's


def images(n, seed):
    return torch.rand(n, 3, 32, 32, generator=torch.Generator().manual_seed(seed))


def spread(out):
    """How much the logits vary over the batch (0 if the input does not matter)."""
    return float((out - out.mean(dim=0, keepdim=True)).abs().max())


@probe
def bypass(SmallResNet):
    model = SmallResNet().eval()
    g = torch.Generator().manual_seed(5)
    x = images(CFG["check_batch"], 30)
    results = []
    with torch.no_grad():
        for key, p in model.named_parameters():  # generic scales and small shifts
            if p.dim() <= 1 and key.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif p.dim() <= 1:
                p.copy_(torch.rand(p.shape, generator=g) + 0.5)
        model.train()                            # running statistics of these images,
        for _ in range(CALIBRATION_PASSES):      # so eval mode keeps every layer in scale
            model(x)
        model.eval()
        base = model(x)
        for p in model.parameters():
            if p.dim() != 4:                      # convolution kernels only
                continue
            saved = p.clone()
            p.zero_()
            out = model(x)
            p.copy_(saved)
            results.append({"shape": tuple(p.shape), "spread": spread(out),
                            "change": float((out - base).abs().max())})
    return {"base_spread": spread(base), "scale": float(base.abs().max()), "convs": results}


@test_case(points=3, hidden=False)
def test_shortcuts(env):
    """Most of SmallResNet's convolutions are bypassed by a shortcut (identity or 1x1 conv)."""
    seen = bypass(env)
    rtol = CFG["batch_rtol"]
    relative = seen["base_spread"] / max(seen["scale"], 1e-12)
    assert relative > rtol, (
        f"SmallResNet()'s logits hardly change from one image to another (relative spread "
        f"{relative:.1e}, in eval mode after training-mode passes on the same images): the "
        f"input's signal does not reach the output. Batch norm after each convolution and "
        f"shortcuts around them keep it alive.")
    used = [c for c in seen["convs"] if c["change"] > rtol * seen["scale"]]
    assert used, "SmallResNet() has no convolution (nn.Conv2d) that affects its output."
    bypassed = [c for c in used if c["spread"] > rtol * seen["base_spread"]]
    share = len(bypassed) / len(used)
    needed = CFG["residual_fraction"]
    assert share >= needed, (
        f"With the weights of one convolution set to zero, SmallResNet's output stopped "
        f"depending on the input for {len(used) - len(bypassed)} of its {len(used)} "
        f"convolutions: only {len(bypassed)} are bypassed by a shortcut (at least "
        f"{needed:.0%} should be). A residual block adds its input (the identity, or a 1x1 "
        f"convolution with batch norm when the shape changes) to the output of its two "
        f"3x3 convolutions: relu(bn2(conv2(...)) + shortcut(x)).")
    return f"{len(bypassed)} of SmallResNet's {len(used)} convolutions are bypassed by shortcuts."
