"""Q4: BNNet is DropoutNet plus BatchNorm2d(6) after the first conv block
(after its max pool) and BatchNorm1d(84) after the ReLU of fc2. Batch norm
uses batch statistics and updates its running statistics in training mode,
and uses the running statistics, unchanged, in eval mode.

Checked by behaviour: the probe gives the batch-norm layers non-trivial
scales and shifts, then forward hooks on the layers owning the weights of
shapes (6, 3, 5, 5), (16, 6, 5, 5), (120, 400), (84, 120) and (10, 84) show
what enters conv2 and fc3, which the judge recomputes from what left conv1
and fc2. In eval mode the whole output is recomputed from the weights.
"""
import torch
from torch import nn

from autograder.checks import expect_close, expect_depends_on_input, expect_shape, only_when_right
from autograder.checks.bounds import hoeffding_margin
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q4_bn_net"
points = None

nnprobe = support("nnprobe")
notes_nets = support("notes_nets")

CFG = config()
DROPOUT_P = 0.3
LAYERS = {name: weight for name, (weight, _) in notes_nets.LAYERS.items()}


def images(seed, n):
    return torch.randn(n, 3, 32, 32, generator=torch.Generator().manual_seed(seed))


def running_statistics(model):
    return [b.detach().clone() for b in model.buffers()]


@probe
def bn_run(BNNet):
    model = BNNet()
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for m in norms:
            if m.weight is not None:
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=g))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=g))
        x, x_eval = images(2, CFG["bn_batch"]), images(4, CFG["bn_batch"])
        model.train()
        before = running_statistics(model)
        with nnprobe.layer_traffic(model, LAYERS) as train_traffic:
            train_out = model(x)
        after_train = running_statistics(model)
        model.eval()
        with nnprobe.layer_traffic(model, LAYERS) as eval_traffic:
            eval_out = model(x_eval)
        after_eval = running_statistics(model)
    bn_ids = {id(p) for m in norms for p in m.parameters(recurse=False)}
    states = [{"kind": type(m).__name__, "num_features": m.num_features, "eps": m.eps,
               "weight": m.weight, "bias": m.bias, "running_mean": m.running_mean,
               "running_var": m.running_var} for m in norms]
    return {"parameters": [p for p in model.parameters() if id(p) not in bn_ids],
            "all_parameters": list(model.parameters()), "norms": states,
            "statistics": {"before": before, "after_train": after_train, "after_eval": after_eval},
            "train": {"out": train_out, "traffic": train_traffic},
            "eval": {"out": eval_out, "traffic": eval_traffic}}


@probe
def bn_one_image(BNNet):
    model = BNNet()
    with torch.no_grad():
        model.train()
        model(images(2, CFG["bn_batch"]))  # running statistics from a batch first
        model.eval()
        return model(images(4, 1))


def norm_state(seen, kind, features):
    found = [s for s in seen["norms"] if s["kind"] == kind and s["num_features"] == features]
    present = ", ".join(f"{s['kind']}({s['num_features']})" for s in seen["norms"])
    assert len(found) == 1, (f"BNNet should have exactly one nn.{kind}({features}); its batch "
                             f"norm layers are: {present or 'none'}.")
    state = found[0]
    assert state["weight"] is not None and state["running_mean"] is not None, (
        f"nn.{kind}({features}) should keep its defaults: learnable scale and shift "
        f"(affine=True) and running statistics (track_running_stats=True).")
    return state


def traffic_of(traffic, layer, what):
    assert layer in traffic, (f"{what}: no layer with a weight of shape {LAYERS[layer]} "
                              f"({layer} of the notes) was used in forward.")
    return traffic[layer]


@test_case(points=1, hidden=False)
def test_parameter_count(env):
    """BNNet() has 62,186 parameters: Net's 62,006 plus a scale and a shift for 6 + 84 features."""
    count = sum(p.numel() for p in bn_run(env)["all_parameters"])
    assert count == CFG["bn_parameters"], (
        f"BNNet() has {count:,} parameters; it should have {CFG['bn_parameters']:,}: Net's "
        f"{CFG['net_parameters']:,} plus 2 x 6 for BatchNorm2d(6) and 2 x 84 for BatchNorm1d(84).")


@test_case(points=1, hidden=False)
def test_output_shape(env):
    """BNNet maps (N, 3, 32, 32) to (N, 10) in both modes, and a batch of 1 works in eval mode."""
    seen, n = bn_run(env), CFG["bn_batch"]
    expect_shape(seen["train"]["out"], (n, 10), f"BNNet()(x) in training mode for {n} images")
    expect_shape(seen["eval"]["out"], (n, 10), f"BNNet()(x) in eval mode for {n} images")
    expect_shape(bn_one_image(env), (1, 10), "BNNet()(x) in eval mode for one image (batch "
                 "norm must use its running statistics then)")
    only_when_right(lambda: expect_depends_on_input(seen["eval"]["out"], "BNNet()(x)"), "BNNet()(x)")


@test_case(points=2, hidden=False)
def test_running_statistics(env):
    """Running means and variances (of 6 + 84 features) change in training mode and stay fixed in eval mode."""
    stats = bn_run(env)["statistics"]
    floats = [i for i, b in enumerate(stats["before"]) if b.is_floating_point()]
    size = sum(stats["before"][i].numel() for i in floats)
    assert size == 2 * (6 + 84), (
        f"BNNet keeps {size} running statistics; BatchNorm2d(6) and BatchNorm1d(84) keep a "
        f"running mean and variance per feature, 2 x (6 + 84) = 180 (keep "
        f"track_running_stats=True).")
    changed = [i for i in floats if not torch.equal(stats["before"][i], stats["after_train"][i])]
    assert len(changed) == len(floats), (
        "A forward pass in training mode should update every running mean and variance of "
        "the batch norm layers, but some stayed the same (is every batch norm layer used in "
        "forward?).")
    moved = [i for i, (a, b) in enumerate(zip(stats["after_train"], stats["after_eval"]))
             if not torch.equal(a, b)]
    assert not moved, ("A forward pass in eval mode changed the running statistics: in eval "
                       "mode batch norm must only use them (call model.eval() before testing).")


@test_case(points=2, hidden=True)
def test_batch_norm_placement(env):
    """In training mode BatchNorm2d(6) normalises pool(relu(conv1(x))) and BatchNorm1d(84) normalises relu(fc2(x)), over the batch."""
    seen = bn_run(env)
    traffic = seen["train"]["traffic"]
    conv1, conv2 = (traffic_of(traffic, k, "BNNet in training mode") for k in ("conv1", "conv2"))
    fc2, fc3 = (traffic_of(traffic, k, "BNNet in training mode") for k in ("fc2", "fc3"))
    block = torch.nn.functional.max_pool2d(conv1["output"].double().clamp(min=0), 2)
    state = {k: (v.double() if torch.is_tensor(v) else v)
             for k, v in norm_state(seen, "BatchNorm2d", 6).items()}
    expected = notes_nets.batch_norm(block, state, training=True)
    expect_close(conv2["input"], expected, "The input of conv2 in training mode (should be "
                 "BatchNorm2d(6) of pool(relu(conv1(x))), normalised with the batch's own "
                 "mean and variance)", atol=1e-4, rtol=1e-4)
    state = {k: (v.double() if torch.is_tensor(v) else v)
             for k, v in norm_state(seen, "BatchNorm1d", 84).items()}
    expected = notes_nets.batch_norm(fc2["output"].double().clamp(min=0), state, training=True)
    expect_close(fc3["input"], expected, "The input of fc3 in training mode (should be "
                 "BatchNorm1d(84) of relu(fc2(x)), i.e. after the ReLU)", atol=1e-4, rtol=1e-4)


@test_case(points=2, hidden=True)
def test_eval_matches_notes(env):
    """In eval mode BNNet computes the notes' forward with the running statistics and no dropout."""
    seen = bn_run(env)
    weights = notes_nets.pick_by_shape(seen["parameters"], "BNNet (without its batch norm layers)")
    expected = notes_nets.forward(weights, images(4, CFG["bn_batch"]),
                                  bn_image=norm_state(seen, "BatchNorm2d", 6),
                                  bn=norm_state(seen, "BatchNorm1d", 84), training=False)
    expect_close(seen["eval"]["out"], expected, "BNNet()(x) in eval mode compared with the "
                 "notes' forward pass using the running statistics", atol=1e-4, rtol=1e-4)


@test_case(points=1, hidden=True)
def test_dropout_still_there(env):
    """In training mode about 30% of relu(fc1(x)) is zeroed and the rest scaled by 1/0.7 before fc2."""
    traffic = bn_run(env)["train"]["traffic"]
    fc1, fc2 = (traffic_of(traffic, k, "BNNet in training mode") for k in ("fc1", "fc2"))
    relu = fc1["output"].double().clamp(min=0)
    entering = expect_shape(fc2["input"], relu.shape, "The input of fc2").double()
    positive = relu > 0
    dropped = (entering == 0) & positive
    scaled = torch.isclose(entering, relu / (1 - DROPOUT_P), rtol=1e-4, atol=1e-6)
    assert bool(scaled[positive & ~dropped].all()) and bool((entering[~positive] == 0).all()), (
        "In training mode the input of fc2 should be relu(fc1(x)) with dropped units set to 0 "
        "and kept units multiplied by 1/(1 - 0.3); keep DropoutNet's nn.Dropout(p=0.3).")
    trials = int(positive.sum())
    fraction = int(dropped.sum()) / trials
    margin = hoeffding_margin(trials, CFG["failure_probability"])
    assert abs(fraction - DROPOUT_P) <= margin, (
        f"In training mode {fraction:.3f} of the units of relu(fc1(x)) were zeroed before fc2; "
        f"dropout with p = 0.3 zeroes between {DROPOUT_P - margin:.3f} and {DROPOUT_P + margin:.3f} of "
        f"{trials} units.")
