"""Q3: restrict(r) maps (..., n-1) to (..., n/2-1) with b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2,
computed as a conv1d with stride 2."""
import torch
import torch.nn.functional as F
from autograder.checks import expect_close, source
from autograder.testing import probe, support, test_case
OK_FORMAT = False
name = 'q3_restrict'
points = None
spy = support('spy')
CONV1D_NAMES = {'torch.nn.functional.conv1d', 'torch.conv1d', 'torch.nn.Conv1d'}
CONV1D = ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups']

def sample(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g, dtype=torch.float64)

@probe
def restricted(restrict):
    return {'15': restrict(sample(15, 1)), 'batched': [restrict(sample((4, 15), 2)), restrict(sample((2, 3, 31), 3))], 'small': restrict(sample(3, 4)), 'large': restrict(sample(1023, 5))}

@probe
def conv_strides(restrict):
    with spy.recording(torch.conv1d, [torch, F, spy.module_globals(restrict)], CONV1D) as calls:
        restrict(sample(15, 6))
    return [spy.first_int(call.get('stride', 1)) for call in calls]

def by_formula(b):
    """b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2 with 1-based i = 1 .. n/2-1, on the last axis."""
    m = (b.shape[-1] + 1) // 2 - 1
    out = torch.zeros(*b.shape[:-1], m, dtype=b.dtype)
    for i in range(1, m + 1):
        out[..., i - 1] = b[..., 2 * i - 2] / 2 + b[..., 2 * i - 1] + b[..., 2 * i] / 2
    return out

@test_case(points=2, hidden=False)
def test_formula(env):
    """For n = 16, restrict(b) has 7 entries b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2."""
    expect_close(restricted(env)['15'], by_formula(sample(15, 1)), 'restrict(b) for b of length 15 (n = 16)', atol=0, rtol=1e-12, dtype=True)

@test_case(points=1, hidden=False)
def test_batched(env):
    """Inputs (..., n-1) restrict along the last axis: (4, 15) -> (4, 7), (2, 3, 31) -> (2, 3, 15)."""
    seen = restricted(env)['batched']
    for value, (shape, seed) in zip(seen, [((4, 15), 2), ((2, 3, 31), 3)]):
        expect_close(value, by_formula(sample(shape, seed)), f'restrict(b) for b of shape {shape}', atol=0, rtol=1e-12)

@test_case(points=1, hidden=False)
def test_uses_conv1d_stride_2(env):
    """restrict calls torch.nn.functional.conv1d with stride 2."""
    strides = conv_strides(env)
    assert strides, 'restrict(b) did not call torch.nn.functional.conv1d; write the restriction as a convolution with the kernel (1/2, 1, 1/2) and stride 2.'
    source.expect_calls(env, 'restrict', CONV1D_NAMES, 'restrict does not call torch.nn.functional.conv1d; write the restriction as a convolution with the kernel (1/2, 1, 1/2) and stride 2.')
    assert 2 in strides, f'restrict(b) called conv1d with stride {strides[0]}; use stride=2, so that each output is centred on an even fine node.'
