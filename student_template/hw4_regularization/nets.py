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
    raise NotImplementedError("conv_output_size")


class Net(nn.Module):
    """The notes' CIFAR10 network (1.2.1): conv 3->6 (5x5), ReLU, 2x2 max pool,
    conv 6->16 (5x5), ReLU, 2x2 max pool, then linear 400->120->84->10 with
    ReLU between. Takes (N, 3, 32, 32), returns (N, 10) logits."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError("Net.__init__")

    def forward(self, x):
        raise NotImplementedError("Net.forward")


class DropoutNet(nn.Module):
    """Net with nn.Dropout(p=0.3) applied right after the ReLU of fc1 (notes 1.5)."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError("DropoutNet.__init__")

    def forward(self, x):
        raise NotImplementedError("DropoutNet.forward")


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
        raise NotImplementedError("MyDropout.__init__")

    def forward(self, x):
        raise NotImplementedError("MyDropout.forward")


def train_epoch(model, loader, optimizer, criterion):
    """One pass over `loader`: put the model in training mode, and for each batch
    zero the gradients, compute the loss, backpropagate and step. Return the
    mean of the batch losses as a Python float."""
    raise NotImplementedError("train_epoch")


def evaluate(model, loader):
    """Accuracy of `model` on `loader` (correct predictions / samples, in [0, 1]),
    in eval mode and without building a graph (torch.no_grad())."""
    raise NotImplementedError("evaluate")
