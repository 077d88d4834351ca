"""Homework 2: logistic regression on MNIST (notes 1.1.2).

Fill in every place that raises NotImplementedError, then run
    python -m autograder check hw2_logistic
"""
import torch
from torch import nn, optim


class LogisticRegression(nn.Module):
    """One linear layer from 784 pixels to 10 logits (no hidden layer)."""

    def __init__(self):
        super().__init__()
        # BEGIN SOLUTION
        self.linear = nn.Linear(28 * 28, 10)
        # END SOLUTION

    def forward(self, x):
        """x: (N, 1, 28, 28) images or (N, 784) vectors -> (N, 10) logits."""
        # BEGIN SOLUTION
        return self.linear(x.reshape(x.shape[0], 28 * 28))
        # END SOLUTION


def train(model, loader, epochs=1, lr=0.1):
    """Train with SGD (step size lr) on the cross-entropy loss.

    Returns a list with the mean loss of each epoch."""
    # BEGIN SOLUTION
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            count += len(labels)
        losses.append(total / count)
    return losses
    # END SOLUTION


def evaluate(model, loader):
    """Fraction of correctly classified samples in loader, in [0, 1].

    Uses eval mode and no gradient tracking."""
    # BEGIN SOLUTION
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images).argmax(dim=1)
            correct += (predicted == labels).sum().item()
            total += len(labels)
    return correct / total
    # END SOLUTION
