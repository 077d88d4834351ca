"""Q1: conv_output_size(n, kernel_size, stride, padding, dilation) is the side
length nn.Conv2d gives an n x n image: floor((n + 2p - d(k - 1) - 1) / s) + 1."""
import torch

from autograder.core.plain import describe
from autograder.testing import config, probe, test_case

OK_FORMAT = False
name = "q1_conv_output_size"
points = None

CFG = config()

# (n, kernel_size): the notes' examples, with default stride, padding, dilation.
NOTES = [(10, 3), (32, 5), (14, 5), (28, 2), (27, 2), (26, 4), (23, 4), (20, 4), (6, 2)]
# (n, kernel_size, stride, padding, dilation)
KEYWORDS = [(6, 2, 2, 0, 1), (28, 5, 1, 2, 1), (32, 3, 2, 1, 1), (9, 3, 1, 0, 2),
            (17, 4, 4, 0, 1), (7, 3, 3, 1, 2)]


def many_cases():
    """Random valid combinations: the output has at least one pixel."""
    g = torch.Generator().manual_seed(5)
    cases = []
    while len(cases) < CFG["conv_cases"]:
        n = int(torch.randint(1, CFG["conv_max_n"] + 1, (), generator=g))
        k, s = int(torch.randint(1, 8, (), generator=g)), int(torch.randint(1, 5, (), generator=g))
        p, d = int(torch.randint(0, 4, (), generator=g)), int(torch.randint(1, 4, (), generator=g))
        if n + 2 * p - d * (k - 1) - 1 >= 0:
            cases.append((n, k, s, p, d))
    return cases


@probe
def notes_sizes(conv_output_size):
    return [conv_output_size(n, k) for n, k in NOTES]


@probe
def keyword_sizes(conv_output_size):
    return [conv_output_size(n, k, stride=s, padding=p, dilation=d) for n, k, s, p, d in KEYWORDS]


@probe
def many_sizes(conv_output_size):
    return [conv_output_size(n, k, stride=s, padding=p, dilation=d) for n, k, s, p, d in many_cases()]


def conv2d_size(n, k, s=1, p=0, d=1):
    """What nn.Conv2d itself outputs (a k x 1 kernel on an n x 1 image, to stay cheap)."""
    layer = torch.nn.Conv2d(1, 1, (k, 1), stride=(s, 1), padding=(p, 0), dilation=(d, 1))
    with torch.no_grad():
        return layer(torch.zeros(1, 1, n, 1)).shape[2]


def expect_sizes(seen, cases):
    assert isinstance(seen, list) and len(seen) == len(cases), "conv_output_size gave no list of results."
    for value, case in zip(seen, cases):
        n, k, s, p, d = (tuple(case) + (1, 0, 1))[:5]
        call = (f"conv_output_size({n}, {k})" if len(case) == 2 else
                f"conv_output_size({n}, {k}, stride={s}, padding={p}, dilation={d})")
        assert isinstance(value, int) and not isinstance(value, bool), (
            f"{call} should return an int, but it returned {describe(value)} (use // for "
            f"the floor division).")
        expected = conv2d_size(n, k, s, p, d)
        assert value == expected, (f"{call} returned {value}, but nn.Conv2d gives an output "
                                   f"of side {expected}.")


@test_case(points=2, hidden=False)
def test_notes_examples(env):
    """Default stride, padding and dilation: e.g. a 3x3 kernel on 10x10 gives 8, 5x5 on 32x32 gives 28."""
    expect_sizes(notes_sizes(env), NOTES)


@test_case(points=2, hidden=False)
def test_stride_padding_dilation(env):
    """stride, padding and dilation, passed by keyword, change the size as nn.Conv2d does."""
    expect_sizes(keyword_sizes(env), KEYWORDS)


@test_case(points=2, hidden=True)
def test_many_combinations(env):
    """300 random (n, kernel_size, stride, padding, dilation) combinations agree with nn.Conv2d."""
    expect_sizes(many_sizes(env), many_cases())
