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
name = 'q4_bn_net'
points = None
nnprobe = support('nnprobe')
notes_nets = support('notes_nets')
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
        x, x_eval = (images(2, CFG['bn_batch']), images(4, CFG['bn_batch']))
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
    states = [{'kind': type(m).__name__, 'num_features': m.num_features, 'eps': m.eps, 'weight': m.weight, 'bias': m.bias, 'running_mean': m.running_mean, 'running_var': m.running_var} for m in norms]
    return {'parameters': [p for p in model.parameters() if id(p) not in bn_ids], 'all_parameters': list(model.parameters()), 'norms': states, 'statistics': {'before': before, 'after_train': after_train, 'after_eval': after_eval}, 'train': {'out': train_out, 'traffic': train_traffic}, 'eval': {'out': eval_out, 'traffic': eval_traffic}}

@probe
def bn_one_image(BNNet):
    model = BNNet()
    with torch.no_grad():
        model.train()
        model(images(2, CFG['bn_batch']))
        model.eval()
        return model(images(4, 1))

@test_case(points=1, hidden=False)
def test_parameter_count(env):
    """BNNet() has 62,186 parameters: Net's 62,006 plus a scale and a shift for 6 + 84 features."""
    count = sum((p.numel() for p in bn_run(env)['all_parameters']))
    assert count == CFG['bn_parameters'], f"BNNet() has {count:,} parameters; it should have {CFG['bn_parameters']:,}: Net's {CFG['net_parameters']:,} plus 2 x 6 for BatchNorm2d(6) and 2 x 84 for BatchNorm1d(84)."

@test_case(points=1, hidden=False)
def test_output_shape(env):
    """BNNet maps (N, 3, 32, 32) to (N, 10) in both modes, and a batch of 1 works in eval mode."""
    seen, n = (bn_run(env), CFG['bn_batch'])
    expect_shape(seen['train']['out'], (n, 10), f'BNNet()(x) in training mode for {n} images')
    expect_shape(seen['eval']['out'], (n, 10), f'BNNet()(x) in eval mode for {n} images')
    expect_shape(bn_one_image(env), (1, 10), 'BNNet()(x) in eval mode for one image (batch norm must use its running statistics then)')
    only_when_right(lambda: expect_depends_on_input(seen['eval']['out'], 'BNNet()(x)'), 'BNNet()(x)')

@test_case(points=2, hidden=False)
def test_running_statistics(env):
    """Running means and variances (of 6 + 84 features) change in training mode and stay fixed in eval mode."""
    stats = bn_run(env)['statistics']
    floats = [i for i, b in enumerate(stats['before']) if b.is_floating_point()]
    size = sum((stats['before'][i].numel() for i in floats))
    assert size == 2 * (6 + 84), f'BNNet keeps {size} running statistics; BatchNorm2d(6) and BatchNorm1d(84) keep a running mean and variance per feature, 2 x (6 + 84) = 180 (keep track_running_stats=True).'
    changed = [i for i in floats if not torch.equal(stats['before'][i], stats['after_train'][i])]
    assert len(changed) == len(floats), 'A forward pass in training mode should update every running mean and variance of the batch norm layers, but some stayed the same (is every batch norm layer used in forward?).'
    moved = [i for i, (a, b) in enumerate(zip(stats['after_train'], stats['after_eval'])) if not torch.equal(a, b)]
    assert not moved, 'A forward pass in eval mode changed the running statistics: in eval mode batch norm must only use them (call model.eval() before testing).'
