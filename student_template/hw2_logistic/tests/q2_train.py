"""Q2: train runs SGD on the cross-entropy loss and returns each epoch's mean loss."""
import torch
from torch import nn
from autograder.checks import expect_close, expect_number, only_when_right
from autograder.testing import probe, test_case
OK_FORMAT = False
name = 'q2_train'
points = None
EPOCHS, LR, BATCH = (3, 0.05, 32)

def toy_data():
    """256 'images' labelled by a fixed random linear teacher: learnable by logistic regression."""
    g = torch.Generator().manual_seed(3)
    x = torch.randn(256, 1, 28, 28, generator=g) * 0.1
    teacher = torch.randn(784, 10, generator=g)
    return (x, (x.reshape(256, 784) @ teacher).argmax(dim=1))

def toy_loader():
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*toy_data()), batch_size=BATCH, shuffle=False)

def start_parameters():
    g = torch.Generator().manual_seed(4)
    return (torch.randn(10, 784, generator=g) * 0.01, torch.zeros(10))

@probe
def training_run(LogisticRegression, train):
    model = LogisticRegression()
    weight, bias = start_parameters()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(weight if p.dim() == 2 else bias)
    losses = train(model, toy_loader(), epochs=EPOCHS, lr=LR)
    final = {'weight' if p.dim() == 2 else 'bias': p for p in model.parameters()}
    return {'losses': list(losses) if isinstance(losses, (list, tuple)) else losses, 'final': final}

def seen_losses(env):
    losses = training_run(env)['losses']
    assert isinstance(losses, list) and len(losses) == EPOCHS, f'train(model, loader, epochs={EPOCHS}) should return a list of {EPOCHS} numbers (the mean loss of each epoch), but it returned {losses!r:.80}.'
    return [expect_number(loss, f'The loss of epoch {i + 1}') for i, loss in enumerate(losses)]

@test_case(points=1, hidden=False)
def test_returns_epoch_losses(env):
    """train returns one finite mean loss per epoch (and trains: the weights change)."""
    seen_losses(env)
    only_when_right(lambda: expect_trained(training_run(env)['final']), 'training')

def expect_trained(final):
    weight, _ = start_parameters()
    assert 'weight' in final and (not torch.equal(final['weight'], weight)), 'train(model, loader) left the weights as they were: it must take SGD steps.'

@test_case(points=2, hidden=False)
def test_loss_falls(env):
    """On learnable data the mean loss falls from each epoch to the next."""
    losses = seen_losses(env)
    assert all((b < a for a, b in zip(losses, losses[1:]))), f'The epoch losses {[round(loss, 4) for loss in losses]} do not fall; check the optimizer step, the learning rate and optimizer.zero_grad().'
