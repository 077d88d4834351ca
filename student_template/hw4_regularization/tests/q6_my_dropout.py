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
name = 'q6_my_dropout'
points = None
nnprobe = support('nnprobe')
CFG = config()
PS = CFG['dropout_probabilities']
ELEMENTS = CFG['dropout_elements']
DRAWS = CFG['expectation_draws']
DELTA = CFG['failure_probability']

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
        seen[str(p)] = {'first': first, 'second': layer(x), 'input_after': x}
    return seen

@probe
def eval_outputs(MyDropout):
    seen = {}
    for p in PS:
        layer = MyDropout(p=p)
        layer.eval()
        seen[str(p)] = layer(positive((4, 3, 8, 8), 2))
    return seen

def only_when_dropping(env):
    """The checks below count only when training mode really drops units."""
    only_when_right(lambda: expect_zero_fraction(env), 'the fraction MyDropout zeroes')

def output_of(seen, p, what='MyDropout(p)(x) in training mode'):
    x = large_input()
    return (expect_shape(seen, x.shape, f'{what} for p = {p}').double(), x.double())

@test_case(points=2, hidden=False)
def test_zero_fraction(env):
    """In training mode the fraction of zeroed elements is p (for p = 0.3, 0.5 and 0.8)."""
    expect_zero_fraction(env)

def expect_zero_fraction(env):
    seen = training_outputs(env)
    margin = hoeffding_margin(ELEMENTS, DELTA)
    for p in PS:
        out, _ = output_of(seen[str(p)]['first'], p)
        fraction = (out == 0).double().mean().item()
        assert abs(fraction - p) <= margin, f'MyDropout(p={p}) in training mode zeroed {fraction:.4f} of {ELEMENTS:,} nonzero elements; each element is zeroed with probability p, so the fraction should lie between {p - margin:.4f} and {p + margin:.4f}.'

@test_case(points=2, hidden=False)
def test_survivors_scaled(env):
    """In training mode every element that is kept is multiplied by 1/(1 - p)."""
    only_when_dropping(env)
    seen = training_outputs(env)
    for p in PS:
        out, x = output_of(seen[str(p)]['first'], p)
        kept = out != 0
        expect_close(out, x / (1 - p), f'The kept elements of MyDropout(p={p})(x) (should be x / (1 - p))', mask=kept)

@test_case(points=1, hidden=False)
def test_identity_in_eval(env):
    """In eval mode MyDropout returns its input unchanged."""
    only_when_dropping(env)
    seen = eval_outputs(env)
    for p in PS:
        x = positive((4, 3, 8, 8), 2)
        expect_close(seen[str(p)], x, f'MyDropout(p={p})(x) in eval mode (should be x)', atol=0, rtol=0)
