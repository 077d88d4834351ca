"""Q6: MyDropout(p) is inverted dropout: in training mode each element is
zeroed with probability p, independently, and the survivors are scaled by
1/(1 - p), so the expectation is preserved; in eval mode it is the identity;
gradients flow only through the kept elements.

Bands (autograder/bounds.py, Hoeffding's inequality, failure probability
1e-6 per check): the zero fraction of 100,000 elements must lie within
p +- 0.0085; the mean of 20,000 independent draws of each of 50 elements
must lie within x +- (x / (1 - p)) sqrt(ln(2 * 50 / 1e-6) / 40,000), at
most 7% of x for p = 0.5.
"""

import torch

from autograder.checks import expect_close, expect_shape, only_when_right
from autograder.checks.bounds import hoeffding_margin
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q6_my_dropout"
points = None

nnprobe = support("nnprobe")

CFG = config()
PS = CFG["dropout_probabilities"]
ELEMENTS = CFG["dropout_elements"]
DRAWS = CFG["expectation_draws"]
DELTA = CFG["failure_probability"]


def positive(shape, seed):
    """Values in [0.5, 1.5): never zero, so a zero in the output means 'dropped'."""
    return 0.5 + torch.rand(shape, generator=torch.Generator().manual_seed(seed))


def large_input():
    return positive((ELEMENTS // 500, 500), 1)


@probe
def training_outputs(MyDropout):
    seen = {}
    for p in PS:
        layer = MyDropout(p=p)
        layer.train()
        x = large_input()
        first = layer(x)
        seen[str(p)] = {"first": first, "second": layer(x), "input_after": x}
    return seen


@probe
def eval_outputs(MyDropout):
    seen = {}
    for p in PS:
        layer = MyDropout(p=p)
        layer.eval()
        seen[str(p)] = layer(positive((4, 3, 8, 8), 2))
    return seen


@probe
def zero_probability(MyDropout):
    layer = MyDropout(p=0.0)
    layer.train()
    return layer(positive((20, 30), 3))


@probe
def repeated_draws(MyDropout):
    """The mean of many independent draws per element (one call on a tall batch)."""
    layer = MyDropout(p=0.5)
    layer.train()
    x = positive((1, 50), 4).expand(DRAWS, 50).contiguous()
    return layer(x).double().mean(dim=0)


@probe
def gradients(MyDropout):
    seen = {}
    for p in PS:
        layer = MyDropout(p=p)
        layer.train()
        x = positive((40, 50), 5).requires_grad_(True)
        out = layer(x)
        out.backward(positive((40, 50), 6))
        seen[str(p)] = {"out": out, "grad": x.grad}
    return seen


@probe
def calls(MyDropout):
    layer = MyDropout(p=0.5)
    layer.train()
    _, names = nnprobe.torch_calls(layer, positive((10, 10), 7))
    return {"calls": sorted(set(names)),
            "modules": sorted({type(m).__name__ for m in layer.modules()} - {type(layer).__name__})}


def only_when_dropping(env):
    """The checks below count only when training mode really drops units."""
    only_when_right(lambda: expect_zero_fraction(env), "the fraction MyDropout zeroes")


def output_of(seen, p, what="MyDropout(p)(x) in training mode"):
    x = large_input()
    return expect_shape(seen, x.shape, f"{what} for p = {p}").double(), x.double()


@test_case(points=2, hidden=False)
def test_zero_fraction(env):
    """In training mode the fraction of zeroed elements is p (for p = 0.3, 0.5 and 0.8)."""
    expect_zero_fraction(env)


def expect_zero_fraction(env):
    seen = training_outputs(env)
    margin = hoeffding_margin(ELEMENTS, DELTA)
    for p in PS:
        out, _ = output_of(seen[str(p)]["first"], p)
        fraction = (out == 0).double().mean().item()
        assert abs(fraction - p) <= margin, (
            f"MyDropout(p={p}) in training mode zeroed {fraction:.4f} of {ELEMENTS:,} nonzero "
            f"elements; each element is zeroed with probability p, so the fraction should lie "
            f"between {p - margin:.4f} and {p + margin:.4f}.")


@test_case(points=2, hidden=False)
def test_survivors_scaled(env):
    """In training mode every element that is kept is multiplied by 1/(1 - p)."""
    only_when_dropping(env)
    seen = training_outputs(env)
    for p in PS:
        out, x = output_of(seen[str(p)]["first"], p)
        kept = out != 0
        expect_close(out, x / (1 - p), f"The kept elements of MyDropout(p={p})(x) (should be "
                     f"x / (1 - p))", mask=kept)


@test_case(points=1, hidden=False)
def test_identity_in_eval(env):
    """In eval mode MyDropout returns its input unchanged."""
    only_when_dropping(env)
    seen = eval_outputs(env)
    for p in PS:
        x = positive((4, 3, 8, 8), 2)
        expect_close(seen[str(p)], x, f"MyDropout(p={p})(x) in eval mode (should be x)",
                     atol=0, rtol=0)


@test_case(points=1, hidden=True)
def test_expectation_preserved(env):
    """The average over many draws of each output element is the input element (p = 0.5)."""
    only_when_dropping(env)
    seen = expect_shape(repeated_draws(env), (50,), "The mean over draws of MyDropout(0.5)(x)")
    x = positive((1, 50), 4).double().flatten()
    # Hoeffding per element (values in [0, x / (1 - p)]), union bound over the 50 elements.
    margin = hoeffding_margin(DRAWS, DELTA / 50) * x / 0.5
    wrong = (seen - x).abs() > margin
    if bool(wrong.any()):
        i = int(((seen - x).abs() / margin).argmax())
        raise AssertionError(
            f"Averaged over {DRAWS:,} independent draws, MyDropout(0.5)(x) at element {i} is "
            f"{seen[i]:.4f} but x is {x[i]:.4f}: inverted dropout keeps E[output] = x (zero "
            f"with probability p, x / (1 - p) otherwise), so the average should lie within "
            f"{margin[i]:.4f} of x.")


@test_case(points=2, hidden=True)
def test_gradient_through_kept_units(env):
    """The gradient is grad_output / (1 - p) where the element was kept, and 0 where it was dropped."""
    seen = gradients(env)
    for p in PS:
        out = expect_shape(seen[str(p)]["out"], (40, 50), f"MyDropout(p={p})(x)").double()
        grad = seen[str(p)]["grad"]
        assert grad is not None, (f"x.grad is None after MyDropout(p={p})(x).backward(...): "
                                  f"the output must be computed from x with torch operations.")
        upstream = positive((40, 50), 6).double()
        expected = torch.where(out != 0, upstream / (1 - p), torch.zeros_like(upstream))
        expect_close(grad, expected, f"x.grad after MyDropout(p={p})(x).backward(g) (g / (1 - p) "
                     f"where kept, 0 where dropped)")


@test_case(points=1, hidden=True)
def test_new_mask_each_call(env):
    """Each call in training mode draws a new mask."""
    seen = training_outputs(env)
    for p in PS:
        first, _ = output_of(seen[str(p)]["first"], p)
        second, _ = output_of(seen[str(p)]["second"], p)
        assert not torch.equal(first == 0, second == 0), (
            f"Two calls of MyDropout(p={p}) on the same input zeroed the same elements; draw "
            f"a new random mask in every forward call.")


@test_case(points=1, hidden=True)
def test_zero_probability_is_identity(env):
    """MyDropout(p=0) in training mode keeps every element unchanged."""
    only_when_dropping(env)
    expect_close(zero_probability(env), positive((20, 30), 3), "MyDropout(p=0)(x) in training "
                 "mode (should be x)")


@test_case(points=1, hidden=True)
def test_input_unchanged(env):
    """forward does not modify its input in place."""
    only_when_dropping(env)
    seen = training_outputs(env)
    for p in PS:
        expect_close(seen[str(p)]["input_after"], large_input(), f"x after calling "
                     f"MyDropout(p={p})(x) (forward must not modify it)", atol=0, rtol=0)


@test_case(points=1, hidden=True)
def test_written_by_hand(env):
    """MyDropout draws its own mask: it does not call nn.Dropout or F.dropout."""
    only_when_dropping(env)
    seen = calls(env)
    used = [c for c in seen["calls"] if "dropout" in c.lower()]
    used += [m for m in seen["modules"] if "dropout" in m.lower()]
    assert not used, (f"MyDropout uses {', '.join(used)}; write the mask yourself with "
                      f"torch.rand or torch.bernoulli, as the handout asks.")
