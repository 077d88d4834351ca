"""Homework 1: a custom autograd function (notes 1.1.1 and 1.2.4).

Fill in every place that raises NotImplementedError, then run
    python -m autograder check hw1_autograd
"""
import torch


class MyReLU(torch.autograd.Function):
    """ReLU(x) = max(x, 0), with a hand-written backward pass."""

    @staticmethod
    def forward(ctx, input):
        """Return max(input, 0) elementwise; save what backward needs with
        ctx.save_for_backward. Do not change `input` in place."""
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        """Return the gradient with respect to `input`: grad_output where the
        input was positive, 0 where it was negative. Do not change
        grad_output in place."""
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        pass  # forgot the mask
        return grad_input


def my_relu(x):
    """Apply MyReLU to a tensor of any shape."""
    return MyReLU.apply(x)


def grad_dot_squared(x, y):
    """The gradient of (x . y)^2 with respect to x, computed with
    torch.autograd.grad (x, y: 1-D tensors of the same length)."""
    x = x.detach().requires_grad_(True)
    out = torch.dot(x, y) ** 2
    grad, = torch.autograd.grad(out, x)
    return grad


def vector_jacobian_product(f, x, v):
    """J^T v, where J is the Jacobian of f at x, computed with
    f(x).backward(gradient=v). Leave no gradient behind on `x`."""
    raise NotImplementedError("vector_jacobian_product")
