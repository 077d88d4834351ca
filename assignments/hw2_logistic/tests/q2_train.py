"""Q2: train runs SGD on the cross-entropy loss and returns each epoch's mean loss."""
import torch
from torch import nn

from autograder.checks import expect_close, expect_number, only_when_right
from autograder.testing import probe, test_case

OK_FORMAT = False
name = "q2_train"
points = None

# Both away from train's defaults (epochs=1, lr=0.1): an ignored argument shows.
EPOCHS, LR, BATCH = 3, 0.05, 32


def toy_data():
    """256 'images' labelled by a fixed random linear teacher: learnable by logistic regression."""
    g = torch.Generator().manual_seed(3)
    x = torch.randn(256, 1, 28, 28, generator=g) * 0.1
    teacher = torch.randn(784, 10, generator=g)
    return x, (x.reshape(256, 784) @ teacher).argmax(dim=1)


def toy_loader():
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*toy_data()),
                                       batch_size=BATCH, shuffle=False)


def start_parameters():
    g = torch.Generator().manual_seed(4)
    return torch.randn(10, 784, generator=g) * 0.01, torch.zeros(10)


@probe
def training_run(LogisticRegression, train):
    model = LogisticRegression()
    weight, bias = start_parameters()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(weight if p.dim() == 2 else bias)
    losses = train(model, toy_loader(), epochs=EPOCHS, lr=LR)
    final = {("weight" if p.dim() == 2 else "bias"): p for p in model.parameters()}
    return {"losses": list(losses) if isinstance(losses, (list, tuple)) else losses,
            "final": final}


def reference_run():
    """Plain minibatch SGD on the mean cross-entropy, as in the notes."""
    weight, bias = start_parameters()
    model = nn.Linear(784, 10)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    per_sample, per_batch = [], []
    for _ in range(EPOCHS):
        losses, sizes = [], []
        for x, y in toy_loader():
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x.reshape(len(x), 784)), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            sizes.append(len(y))
        per_batch.append(sum(losses) / len(losses))
        per_sample.append(sum(loss * n for loss, n in zip(losses, sizes)) / sum(sizes))
    return model, per_sample, per_batch


def seen_losses(env):
    losses = training_run(env)["losses"]
    assert isinstance(losses, list) and len(losses) == EPOCHS, (
        f"train(model, loader, epochs={EPOCHS}) should return a list of {EPOCHS} numbers "
        f"(the mean loss of each epoch), but it returned {losses!r:.80}.")
    return [expect_number(loss, f"The loss of epoch {i + 1}") for i, loss in enumerate(losses)]


@test_case(points=1, hidden=False)
def test_returns_epoch_losses(env):
    """train returns one finite mean loss per epoch (and trains: the weights change)."""
    seen_losses(env)
    only_when_right(lambda: expect_trained(training_run(env)["final"]), "training")


def expect_trained(final):
    weight, _ = start_parameters()
    assert "weight" in final and not torch.equal(final["weight"], weight), (
        "train(model, loader) left the weights as they were: it must take SGD steps.")


@test_case(points=2, hidden=False)
def test_loss_falls(env):
    """On learnable data the mean loss falls from each epoch to the next."""
    losses = seen_losses(env)
    assert all(b < a for a, b in zip(losses, losses[1:])), (
        f"The epoch losses {[round(loss, 4) for loss in losses]} do not fall; check the optimizer "
        f"step, the learning rate and optimizer.zero_grad().")


@test_case(points=3, hidden=True)
def test_matches_sgd(env):
    """The trained weights equal plain SGD with lr on the mean cross entropy, gradients zeroed each step."""
    model, _, _ = reference_run()
    final = training_run(env)["final"]
    assert set(final) == {"weight", "bias"}, "The model should have exactly a weight and a bias."
    expect_close(final["weight"], model.weight.detach(),
                 "The weights after training (compared with plain minibatch SGD)", atol=1e-4)
    expect_close(final["bias"], model.bias.detach(), "The biases after training", atol=1e-4)


@test_case(points=1, hidden=True)
def test_losses_are_epoch_means(env):
    """Each returned loss is the mean training loss over that epoch's minibatches."""
    losses = torch.tensor(seen_losses(env), dtype=torch.float64)
    _, per_sample, per_batch = reference_run()
    try:
        expect_close(losses, torch.tensor(per_sample, dtype=torch.float64), "The epoch losses",
                     atol=1e-4)
    except AssertionError:
        expect_close(losses, torch.tensor(per_batch, dtype=torch.float64), "The epoch losses "
                     "(the mean of the minibatch losses of each epoch)", atol=1e-4)
