"""Homework 4: convolution, pooling, dropout and batch normalization
(notes 1.2.1, 1.3, 1.4, 1.5, 1.6).

Fill in every place that raises NotImplementedError, then run
    python -m autograder check hw4_regularization
The handout (README.md) says what each name must do and what the tests check.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    """The side length of the output of nn.Conv2d (or nn.MaxPool2d with the same
    arguments) applied to an n x n image, as an int."""
    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


class Net(nn.Module):
    """The notes' CIFAR10 network (1.2.1): conv 3->6 (5x5), ReLU, 2x2 max pool,
    conv 6->16 (5x5), ReLU, 2x2 max pool, then linear 400->120->84->10 with
    ReLU between. Takes (N, 3, 32, 32), returns (N, 10) logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


class DropoutNet(nn.Module):
    """Net with nn.Dropout(p=0.3) applied right after the ReLU of fc1 (notes 1.5)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.dropout = nn.Dropout(p=0.3)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = self.dropout(F.relu(self.fc1(x)))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


class BNNet(nn.Module):
    """DropoutNet plus nn.BatchNorm2d(6) after the first conv block (after its
    max pool) and nn.BatchNorm1d(84) after the ReLU of fc2 (notes 1.6.1)."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError("BNNet.__init__")

    def forward(self, x):
        raise NotImplementedError("BNNet.forward")


class MaxConvNet(nn.Module):
    """The notes' MNIST network (1.4): convolutions and max pooling only, no
    ReLU, fewer than 5,000 parameters. Takes (N, 1, 28, 28), returns (N, 10)."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError("MaxConvNet.__init__")

    def forward(self, x):
        raise NotImplementedError("MaxConvNet.forward")


class MyDropout(nn.Module):
    """Inverted dropout: in training mode each element is set to 0 with
    probability p, independently, and the survivors are multiplied by
    1 / (1 - p); in eval mode the input is returned unchanged. Write it with
    torch.rand / torch.bernoulli (not nn.Dropout or F.dropout) and do not
    modify the input in place."""

    def __init__(self, p=0.5):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = p

    def forward(self, x):
        raise NotImplementedError("MyDropout.forward")


def train_epoch(model, loader, optimizer, criterion):
    """One pass over `loader`: put the model in training mode, and for each batch
    zero the gradients, compute the loss, backpropagate and step. Return the
    mean of the batch losses as a Python float."""
    model.train()
    total, batches = 0.0, 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches


def evaluate(model, loader):
    """Accuracy of `model` on `loader` (correct predictions / samples, in [0, 1]),
    in eval mode and without building a graph (torch.no_grad())."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            predicted = model(inputs).argmax(dim=1)
            correct += (predicted == labels).sum().item()
            total += labels.numel()
    return correct / total
