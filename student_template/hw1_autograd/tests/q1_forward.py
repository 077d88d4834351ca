"""Q1: MyReLU.forward computes max(x, 0) for tensors of any shape and float dtype."""
import torch
from autograder.checks import expect_close, expect_equal, only_when_right, source
from autograder.testing import input_seed, probe, test_case
OK_FORMAT = False
name = 'q1_forward'
points = None
SHAPES = [(), (5,), (3, 4), (2, 3, 4, 5)]
DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16]

def sample(shape, dtype, seed):
    """Random values with some exact zeros, the same in the worker and the judge
    (seeds: the grader's input seed for this submission plus an offset per case)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g, dtype=torch.float64)
    x[x.abs() < 0.2] = 0.0
    if x.numel() >= 3:
        x.view(-1)[:3] = torch.tensor([-0.5, 0.5, 0.0], dtype=torch.float64) * (1 + x.view(-1)[:3].abs())
    return x.to(dtype)

def cases():
    return [(shape, dtype, 10 * i + j) for i, shape in enumerate(SHAPES) for j, dtype in enumerate(DTYPES)]

@probe
def outputs(my_relu, seed):
    return [my_relu(sample(shape, dtype, seed + offset)) for shape, dtype, offset in cases()]

@probe
def backward_node(my_relu):
    x = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = my_relu(x)
    return {'node': type(y.grad_fn).__name__ if y.grad_fn is not None else None, 'output': y.detach()}

@test_case(points=2, hidden=False)
def test_values(env):
    """my_relu(x) equals max(x, 0) elementwise for a float32 matrix."""
    seen = outputs(env)[cases().index(((3, 4), torch.float32, 20))]
    x = sample((3, 4), torch.float32, input_seed(env) + 20)
    expect_close(seen, x.clamp(min=0), 'my_relu(x) for a 3x4 float32 x', atol=0, rtol=0)

@test_case(points=2, hidden=False)
def test_shapes_and_dtypes(env):
    """The output has the input's shape and dtype: scalars, vectors, 4-D, float16 to float64."""
    for seen, (shape, dtype, offset) in zip(outputs(env), cases()):
        x = sample(shape, dtype, input_seed(env) + offset)
        expect_close(seen, x.clamp(min=0), f'my_relu(x) for a {dtype} x of shape {shape}', atol=0, rtol=0, dtype=True)

@test_case(points=1, hidden=False)
def test_uses_my_relu(env):
    """my_relu applies MyReLU: it calls MyReLU.apply, and its result's grad_fn is MyReLU's backward."""
    seen = backward_node(env)
    only_when_right(lambda: expect_close(seen['output'], torch.tensor([0.0, 0.5, 2.0]), 'my_relu(x) for x = (-1, 0.5, 2)'), 'my_relu(x)')
    expect_equal(seen['node'], 'MyReLUBackward', 'The grad_fn of my_relu(x)')
    source.expect_calls(env, 'my_relu', {'MyReLU.apply'}, 'my_relu does not call MyReLU.apply; apply your MyReLU to x (return MyReLU.apply(x)).')
    source.expect_class(env, 'MyReLU', 'MyReLU should be the class your file defines with `class MyReLU(torch.autograd.Function)`, not another value.')
