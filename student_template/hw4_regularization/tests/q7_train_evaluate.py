"""Q7: train_epoch and evaluate switch the mode they need themselves
(model.train() / model.eval()), and their numbers are right.

The probes run them on a small model that records, at every forward call,
whether it was in training mode and whether gradients were being recorded.
The judge replays the epoch itself (plain SGD from the same starting
weights on the same batches) and computes the accuracy itself, so the
returned loss, the trained weights and the returned accuracy are all
compared with values the grader computed.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from autograder.checks import expect_close, expect_number, only_when_right
from autograder.testing import probe, test_case
OK_FORMAT = False
name = 'q7_train_evaluate'
points = None
LR, TRAIN_BATCH, EVAL_BATCH = (0.5, 5, 5)

def data(seed, n):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n, 4, generator=g), torch.randint(0, 3, (n,), generator=g))

def start_weights():
    g = torch.Generator().manual_seed(9)
    return (torch.randn(3, 4, generator=g), torch.randn(3, generator=g))

class Recorder(nn.Module):
    """A linear model (4 -> 3) that logs (self.training, grad enabled) at every call."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 3)
        weight, bias = start_weights()
        with torch.no_grad():
            self.linear.weight.copy_(weight)
            self.linear.bias.copy_(bias)
        self.log = []

    def forward(self, x):
        self.log.append((self.training, torch.is_grad_enabled()))
        return self.linear(x)

def train_loader():
    return DataLoader(TensorDataset(*data(1, 20)), batch_size=TRAIN_BATCH, shuffle=False)

def eval_loader():
    return DataLoader(TensorDataset(*data(2, 23)), batch_size=EVAL_BATCH, shuffle=False)

def number(value):
    """Plain number if possible (a 0-d tensor is reported as such)."""
    return value if not isinstance(value, torch.Tensor) else {'tensor': value}

@probe
def training_run(train_epoch):
    model = Recorder()
    model.eval()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss = train_epoch(model, train_loader(), optimizer, nn.CrossEntropyLoss())
    return {'loss': number(loss), 'log': model.log, 'weight': model.linear.weight, 'bias': model.linear.bias}

@probe
def evaluation_run(evaluate):
    model = Recorder()
    model.train()
    accuracy = evaluate(model, eval_loader())
    return {'accuracy': number(accuracy), 'log': model.log, 'weight': model.linear.weight, 'bias': model.linear.bias}
OTHER_LR, OTHER_MOMENTUM, OTHER_SMOOTHING = (0.2, 0.9, 0.3)

def replay_epoch(lr=LR, momentum=0.0, smoothing=0.0):
    """SGD over the batches, gradients zeroed each step: (model, batch losses)."""
    model = nn.Linear(4, 3)
    weight, bias = start_weights()
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    losses = []
    for x, y in train_loader():
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y, label_smoothing=smoothing)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return (model, losses)

def expect_plain_number(seen, what):
    assert not isinstance(seen, dict), f'{what} is a tensor; return a Python float (e.g. loss.item()).'
    return expect_number(seen, what)

@test_case(points=1, hidden=False)
def test_train_mode(env):
    """train_epoch puts the model in training mode (it was in eval mode before)."""
    only_when_right(lambda: expect_sgd(env), 'the weights after train_epoch')
    log = training_run(env)['log']
    assert log, 'train_epoch never called the model.'
    assert all((training for training, _ in log)), 'train_epoch ran the model in eval mode: call model.train() at its start (the model may come from evaluate, which leaves it in eval mode).'

@test_case(points=2, hidden=False)
def test_sgd_updates(env):
    """After one epoch the weights equal plain SGD: zero the gradients, backward, step, for every batch."""
    expect_sgd(env)

def expect_sgd(env):
    seen = training_run(env)
    batches = len(train_loader())
    assert len(seen['log']) == batches, f"train_epoch called the model {len(seen['log'])} times for {batches} batches; call it once per batch."
    model, _ = replay_epoch()
    expect_close(seen['weight'], model.weight.detach(), 'The weights after train_epoch (compared with plain SGD, gradients zeroed before each backward)', atol=1e-05)
    expect_close(seen['bias'], model.bias.detach(), 'The biases after train_epoch', atol=1e-05)

@test_case(points=1, hidden=False)
def test_eval_mode(env):
    """evaluate puts the model in eval mode (it was in training mode before)."""
    only_when_right(lambda: expect_accuracy(env), 'the accuracy evaluate returns')
    log = evaluation_run(env)['log']
    assert log, 'evaluate never called the model.'
    assert not any((training for training, _ in log)), "evaluate ran the model in training mode: call model.eval() first, or dropout and batch norm behave as in training (and batch norm's running statistics change)."

@test_case(points=2, hidden=False)
def test_accuracy(env):
    """evaluate returns correct predictions / samples over the whole loader, a float in [0, 1]."""
    expect_accuracy(env)

def expect_accuracy(env):
    accuracy = expect_plain_number(evaluation_run(env)['accuracy'], 'The value evaluate returned')
    x, y = data(2, 23)
    weight, bias = start_weights()
    correct = int(((x @ weight.T + bias).argmax(dim=1) == y).sum())
    expected = correct / len(y)
    assert abs(accuracy - expected) < 1e-09, f'evaluate returned {accuracy:.6f}, but the model classifies {correct} of the {len(y)} samples correctly ({expected:.6f}). Count correct predictions over all batches and divide by the number of samples (the last batch is smaller).'
