"""Q2: Net is the notes' CIFAR10 network (1.2.1): 62,006 parameters, (N, 10)
logits for (N, 3, 32, 32) images, and exactly the notes' forward pass.

The judge picks each layer's weights by shape and recomputes the forward
pass itself (autograder/notes_nets.py), so any attribute names work.
"""
import torch
from autograder.checks import expect_close, expect_depends_on_input, expect_shape, only_when_right
from autograder.testing import config, probe, support, test_case
OK_FORMAT = False
name = 'q2_net'
points = None
notes_nets = support('notes_nets')
CFG = config()

def images(seed, n):
    return torch.randn(n, 3, 32, 32, generator=torch.Generator().manual_seed(seed))

@probe
def net_run(Net):
    model = Net()
    x = images(0, CFG['net_batch'])
    with torch.no_grad():
        out = model(x)
    return {'parameters': list(model.parameters()), 'out': out}

@probe
def net_one_image(Net):
    model = Net()
    with torch.no_grad():
        return model(images(0, 1))

@test_case(points=2, hidden=False)
def test_parameter_count(env):
    """Net() has 62,006 parameters, like the notes' network."""
    count = sum((p.numel() for p in net_run(env)['parameters']))
    assert count == CFG['net_parameters'], f"Net() has {count:,} parameters; the notes' network has {CFG['net_parameters']:,} (conv 3->6 and 6->16 with 5x5 kernels, linear 400->120->84->10, with biases)."

@test_case(points=1, hidden=False)
def test_output_shape(env):
    """Net maps (N, 3, 32, 32) images to (N, 10) logits, also for N = 1."""
    seen = net_run(env)
    expect_shape(seen['out'], (CFG['net_batch'], 10), f"Net()(x) for x of shape ({CFG['net_batch']}, 3, 32, 32)")
    expect_shape(net_one_image(env), (1, 10), 'Net()(x) for x of shape (1, 3, 32, 32)')
    only_when_right(lambda: expect_depends_on_input(seen['out'], 'Net()(x)'), 'Net()(x)')
