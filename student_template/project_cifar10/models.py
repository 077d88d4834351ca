"""Final project: VGG and ResNet, downsized for CIFAR10 (notes 1.8.2).

torchvision's VGG16 and ResNet are built for 224x224 ImageNet images: five
halvings of the resolution turn a 32x32 CIFAR10 image into a single pixel
long before the classifier sees it. Keep their structure and cut the
channels and the layers:

- SmallVGG: stages of 3x3 convolution + batch norm + ReLU, each stage ending
  in 2x2 max pooling, then a small fully connected classifier.
- SmallResNet: a 3x3 stem, then stages of basic blocks (two 3x3 convolutions
  with batch norm, added to a shortcut: the identity, or a 1x1 convolution
  with batch norm where the shape changes), global average pooling, one linear
  layer.

Both take (N, 3, 32, 32) images with values in [0, 1] (what ToTensor() gives;
normalise inside the model if you want to) and return (N, num_classes) logits.
build_model() returns the model you hand in: model.pt is its state_dict.
Budgets, checks and grading: see README.md. Check your work with
    python -m autograder check project_cifar10
"""
import torch
import torch.nn.functional as F
from torch import nn

# Per-channel mean and standard deviation of the CIFAR10 training images.
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)


class Normalize(nn.Module):
    """(x - mean) / std per channel; fixed numbers, so nothing is saved in model.pt."""

    def __init__(self, mean=CIFAR10_MEAN, std=CIFAR10_STD):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1), persistent=False)

    def forward(self, x):
        return (x - self.mean) / self.std


class SmallVGG(nn.Module):
    """VGG for 32x32 images: for each width, two 3x3 conv + BN + ReLU layers and a
    2x2 max pooling (32 -> 16 -> 8 -> 4 -> 2 with four widths), then a classifier
    of two linear layers."""

    def __init__(self, num_classes=10, widths=(32, 64, 128, 256), hidden=256):
        super().__init__()
        raise NotImplementedError("SmallVGG.__init__")

    def forward(self, x):
        raise NotImplementedError("SmallVGG.forward")


class BasicBlock(nn.Module):
    """relu(bn(conv(relu(bn(conv(x))))) + shortcut(x)) with 3x3 convolutions; the
    first one has the given stride. The shortcut is the identity when the shape
    stays the same, else a 1x1 convolution with that stride and batch norm."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        raise NotImplementedError("BasicBlock.__init__")

    def forward(self, x):
        raise NotImplementedError("BasicBlock.forward")


class SmallResNet(nn.Module):
    """ResNet for 32x32 images: a 3x3 conv + BN + ReLU stem, one stage of `blocks[i]`
    basic blocks per width (each stage after the first halves the resolution),
    global average pooling and one linear layer. The defaults give the ResNet-20
    of He et al. (2016, section 4.2), with 1x1 projection shortcuts."""

    def __init__(self, num_classes=10, widths=(16, 32, 64), blocks=(3, 3, 3)):
        super().__init__()
        raise NotImplementedError("SmallResNet.__init__")

    def forward(self, x):
        raise NotImplementedError("SmallResNet.forward")


def build_model():
    """The model you hand in; model.pt must hold its state_dict."""
    raise NotImplementedError("build_model")
