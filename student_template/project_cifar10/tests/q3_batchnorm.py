"""Q3: both models use batch normalisation, and it works: batch statistics in
training mode, running statistics in eval mode.

Checked by behaviour, whatever the layers are called: in training mode the
logits of an image change when the other images of its batch change; in eval
mode they do not (one image alone gives the same logits as inside a batch);
and training-mode passes update the statistics that eval mode uses.
"""
import torch
from autograder.checks import expect_finite, expect_tensor
from autograder.testing import config, probe, test_case
OK_FORMAT = False
name = 'q3_batchnorm'
points = None
CFG = config()

def images(n, seed):
    return torch.rand(n, 3, 32, 32, generator=torch.Generator().manual_seed(seed))

def batchnorm_behaviour(model):
    """Logits of the same first image in different batches and modes."""
    n = CFG['check_batch']
    x, y = (images(n, 10), images(n, 11))
    y[0] = x[0]
    with torch.no_grad():
        model.eval()
        eval_batch, eval_single = (model(x)[0], model(x[:1])[0])
        model.train()
        torch.manual_seed(0)
        train_x = model(x)[0]
        torch.manual_seed(0)
        train_y = model(y)[0]
        for seed in range(3):
            model(images(n, 20 + seed) * 0.5 + 0.4)
        model.eval()
        eval_after = model(x)[0]
    return {'eval_batch': eval_batch, 'eval_single': eval_single, 'train_x': train_x, 'train_y': train_y, 'eval_after': eval_after}

@probe
def vgg_behaviour(SmallVGG):
    return batchnorm_behaviour(SmallVGG())

@probe
def resnet_behaviour(SmallResNet):
    return batchnorm_behaviour(SmallResNet())

def relative_change(a, b):
    a, b = (a.double(), b.double())
    return float((a - b).abs().max() / b.abs().max().clamp(min=1e-12))

def expect_vectors(seen, what):
    for key, value in seen.items():
        expect_tensor(value, f'{what}: the logits of one image')
        expect_finite(value, f'{what}: the logits of one image')

def expect_batch_statistics(seen, what):
    expect_vectors(seen, what)
    change = relative_change(seen['train_x'], seen['train_y'])
    assert change > CFG['batch_rtol'], f'In training mode, the logits {what} gives an image do not depend on the other images in its batch (relative change {change:.1e}). Batch normalisation (nn.BatchNorm2d after each convolution) normalises with the statistics of the batch, so they should: add batch norm layers.'

def expect_running_statistics(seen, what):
    expect_vectors(seen, what)
    change = relative_change(seen['eval_single'], seen['eval_batch'])
    assert change <= CFG['eval_rtol'], f"In eval mode, {what} gives an image different logits alone than inside a batch (relative difference {change:.1e}). In eval mode batch norm must use its running statistics, not the batch's (keep track_running_stats=True and call model.eval())."
    change = relative_change(seen['eval_after'], seen['eval_batch'])
    assert change > CFG['batch_rtol'], f"Training-mode passes did not change {what}'s eval-mode logits (relative change {change:.1e}): batch norm should update its running mean and variance in training mode and use them in eval mode."

@test_case(points=1, hidden=False)
def test_vgg_batch_statistics(env):
    """SmallVGG normalises with batch statistics in training mode (it has batch norm)."""
    expect_batch_statistics(vgg_behaviour(env), 'SmallVGG()')

@test_case(points=1, hidden=False)
def test_resnet_batch_statistics(env):
    """SmallResNet normalises with batch statistics in training mode (it has batch norm)."""
    expect_batch_statistics(resnet_behaviour(env), 'SmallResNet()')

@test_case(points=1, hidden=False)
def test_vgg_running_statistics(env):
    """In eval mode SmallVGG uses running statistics, which training-mode passes update."""
    expect_running_statistics(vgg_behaviour(env), 'SmallVGG()')
