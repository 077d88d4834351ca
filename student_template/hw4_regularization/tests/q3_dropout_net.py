"""Q3: DropoutNet is Net with nn.Dropout(p=0.3) right after the ReLU of fc1:
dropout is active in training mode and absent in eval mode.

Checked by behaviour: forward hooks on the layers owning the weights of
shape (120, 400) (fc1) and (84, 120) (fc2) show what enters fc2. In training
mode every unit of relu(fc1(x)) must reach fc2 either as 0 or scaled by
1/0.7, and the fraction of zeros among the 256 x 120 units must lie within
Hoeffding's band around 0.3 that a correct dropout leaves with probability
below 1e-6 (autograder/bounds.py). In eval mode the output must equal the
notes' forward pass recomputed from the weights.
"""
import torch
from autograder.checks import expect_close, expect_depends_on_input, expect_shape, only_when_right
from autograder.checks.bounds import hoeffding_margin
from autograder.testing import config, probe, support, test_case
OK_FORMAT = False
name = 'q3_dropout_net'
points = None
nnprobe = support('nnprobe')
notes_nets = support('notes_nets')
CFG = config()
DROPOUT_P = 0.3
FC = {'fc1': (120, 400), 'fc2': (84, 120)}

def images(seed, n):
    return torch.randn(n, 3, 32, 32, generator=torch.Generator().manual_seed(seed))

@probe
def dropout_run(DropoutNet):
    model = DropoutNet()
    x = images(1, CFG['dropout_batch'])
    with torch.no_grad():
        model.train()
        with nnprobe.layer_traffic(model, FC) as traffic:
            train_a = model(x)
        train_b = model(x)
        model.eval()
        eval_a, eval_b = (model(x), model(x))
    return {'parameters': list(model.parameters()), 'train': [train_a, train_b], 'eval': [eval_a, eval_b], 'traffic': traffic}

@probe
def dropout_one_image(DropoutNet):
    model = DropoutNet()
    model.eval()
    with torch.no_grad():
        return model(images(1, 1))

@test_case(points=1, hidden=False)
def test_parameter_count(env):
    """DropoutNet() has the same 62,006 parameters as Net (dropout has none)."""
    count = sum((p.numel() for p in dropout_run(env)['parameters']))
    assert count == CFG['net_parameters'], f"DropoutNet() has {count:,} parameters; it should have Net's {CFG['net_parameters']:,}."

@test_case(points=1, hidden=False)
def test_output_shape(env):
    """DropoutNet maps (N, 3, 32, 32) to (N, 10) in both modes, and a batch of 1 works in eval mode."""
    seen, n = (dropout_run(env), CFG['dropout_batch'])
    expect_shape(seen['train'][0], (n, 10), f'DropoutNet()(x) in training mode for {n} images')
    expect_shape(seen['eval'][0], (n, 10), f'DropoutNet()(x) in eval mode for {n} images')
    expect_shape(dropout_one_image(env), (1, 10), 'DropoutNet()(x) in eval mode for one image')
    only_when_right(lambda: expect_depends_on_input(seen['eval'][0], 'DropoutNet()(x)'), 'DropoutNet()(x)')

@test_case(points=2, hidden=False)
def test_dropout_active_in_train(env):
    """In training mode two forward passes of the same images differ (dropout draws new masks)."""
    a, b = dropout_run(env)['train']
    assert not torch.allclose(a, b), 'In training mode (model.train()) two forward passes of the same images gave the same output: the dropout layer is not used in forward, or does nothing.'

@test_case(points=2, hidden=False)
def test_no_dropout_in_eval(env):
    """In eval mode the output is deterministic and equals the notes' Net with the same weights."""
    seen = dropout_run(env)
    a, b = seen['eval']
    assert torch.equal(a, b), 'In eval mode (model.eval()) two forward passes of the same images differ: dropout must be off in eval mode (use nn.Dropout, or pass training=self.training to F.dropout).'
    weights = notes_nets.pick_by_shape(seen['parameters'], 'DropoutNet')
    expected = notes_nets.forward(weights, images(1, CFG['dropout_batch']))
    expect_close(a, expected, "DropoutNet()(x) in eval mode compared with the notes' forward pass (dropout off)", atol=CFG['atol'])
