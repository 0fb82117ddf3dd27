"""A catalogue of common wrong implementations, so a failed check can name the likely mistake.

Each mistake computes, from the canonical float64 weights of ``autograder.inside.cases``
(W1 (hidden, C), W2 (C, hidden), eca_kernel (k,), spatial_kernel (2, k, k)), what a
student who made it would return. The judge reports the first mistake whose output matches the student's.

Mistakes that change the parameters' sizes (biases, BatchNorm, a wrong hidden width, two
MLPs where one is shared, a wrong kernel size, ECA's gamma and b not passed on) are named
earlier, by the parameter matching of ``autograder.inside.matching``; mistakes that make the
student's code raise (a bare ``.squeeze()`` on N = 1 or C = 1, ECA's descriptor as (N, C, 1),
a wrong padding, ``x.max(dim=1)`` passed to ``torch.cat``, maps pooled over the wrong axis, the
API's keywords renamed) by the probe's error hints (``autograder.inside.probe.ERROR_HINTS``);
a detached gate, which changes only gradients, by the judge when a weight receives no gradient.
"""
import math
from typing import Callable, NamedTuple

import torch
import torch.nn.functional as F


class Mistake(NamedTuple):
    exercises: tuple  # exercise ids it applies to
    message: str  # what the student most likely did, and what to do instead
    forward: Callable  # (x, weights) -> output; for eca_kernel_size: (channels, gamma, b) -> int
    section: str = ""  # the book section that explains it (chapter stem # anchor), when not the exercise's own


def _mlp(z, w, hidden=F.relu):
    return hidden(z @ w["W1"].T) @ w["W2"].T  # (N, C) -> (N, hidden) -> (N, C)


def _rescale(x, gate):
    return x * gate.reshape(x.shape[0], x.shape[1], 1, 1)


def _se(x, w, pool=lambda x: x.mean((2, 3)), gate=torch.sigmoid, hidden=F.relu, combine=None):
    g = gate(_mlp(pool(x), w, hidden))
    return combine(x, g) if combine else _rescale(x, g)


def _eca_gate(z, k, gate=torch.sigmoid):  # z: (N, C), one sequence per sample
    return gate(F.conv1d(z[:, None], k.reshape(1, 1, -1), padding=(k.numel() - 1) // 2)[:, 0])


def _channel(x, w, paths=("avg", "max"), gate=torch.sigmoid, merge=None, hidden=F.relu):
    pooled = {"avg": x.mean((2, 3)), "max": x.amax((2, 3)), "sum": x.sum((2, 3))}
    logits = [_mlp(pooled[p], w, hidden) for p in paths]
    g = merge(logits) if merge else gate(sum(logits))
    return _rescale(x, g)


def _spatial(x, w, maps=("max", "mean"), gate=torch.sigmoid, dims=(1,)):
    pooled = {"max": x.amax(dims, keepdim=True), "mean": x.mean(dims, keepdim=True),
              "sum": x.sum(dims, keepdim=True)}
    stacked = torch.cat([pooled[m].expand(x.shape[0], 1, *x.shape[2:]) for m in maps], dim=1)  # (N, 2, H, W)
    return x * gate(_spatial_logits(w, stacked))


def _maybe_spatial(x, w):  # the spatial stage after the channel stage, where the weights include one (CBAM)
    return _spatial(x, w) if "spatial_kernel" in w else x


def _batch_mean(z):
    return z.mean(0, keepdim=True).expand_as(z)


def _spatial_logits(w, maps):  # maps (N, 2, H, W) -> (N, 1, H, W), before the sigmoid
    k = w["spatial_kernel"]
    return F.conv2d(maps, k[None], padding=k.shape[-1] // 2)


def _max_mean(x):
    return torch.cat((x.amax(1, keepdim=True), x.mean(1, keepdim=True)), 1)  # (N, 2, H, W)


def _eca(x, w, pool=lambda x: x.mean((2, 3)), gate=torch.sigmoid, flat=False):
    z = pool(x)  # (N, C)
    k = w["eca_kernel"]
    g = _eca_gate(z.reshape(1, -1), k, gate).reshape(z.shape) if flat else _eca_gate(z, k, gate)
    return _rescale(x, g)


def _eca_k(c, gamma=2, b=1, log=math.log2, trunc=int, odd=lambda t: t if t % 2 else t + 1, absolute=abs):
    return odd(trunc(absolute((log(c) + b) / gamma)))


IDENTITY = lambda t: t  # noqa: E731 (a gate that forgot its sigmoid)
DETACHED = ("the gate is detached from autograd (.detach(), torch.no_grad(), .item() or .numpy()): "
            "gradients must flow through it")
NO_SIGMOID = "the sigmoid is missing: the gate should lie in (0, 1)"
ADDED = "the gate is added to x; the block multiplies x by it"
SOFTMAX = "softmax across channels couples them; each channel gets its own sigmoid"
NO_RELU = "no ReLU between the two weight matrices: W2 @ relu(W1 @ z)"
SIGMOID_SECTION = "02_excitation#why-a-sigmoid-and-not-a-softmax"
MLP_SECTION = "02_excitation#the-bottleneck-mlp"
SHARED_SECTION = "04_channel_attention#why-one-shared-mlp"
ORDER_SECTION = "05_spatial_attention#the-whole-module-and-the-order-of-its-stages"
BLOCKS = ("se_block", "eca_block", "channel_attention", "spatial_attention", "cbam")


def _softmax(t):
    return torch.softmax(t, dim=1)


def _amax(x):
    return x.amax((2, 3))


SQUEEZE = (
    Mistake(("squeeze",), "max pooling: the squeeze is the mean over H and W",
            lambda x, w: x.amax((2, 3), keepdim=True)),
    Mistake(("squeeze",), "summed over H and W without dividing by H * W",
            lambda x, w: x.sum((2, 3), keepdim=True)),
    Mistake(("squeeze",), "averaged over the batch too: squeeze each sample on its own (dims 2 and 3 only)",
            lambda x, w: x.mean((0, 2, 3), keepdim=True).expand(x.shape[0], -1, 1, 1)),
    Mistake(("squeeze",), "divided by the wrong count: the mean divides by H * W",
            lambda x, w: x.sum((2, 3), keepdim=True) / x.shape[2]),
    Mistake(("squeeze",), "divided by the wrong count: the mean divides by H * W",
            lambda x, w: x.sum((2, 3), keepdim=True) / x.shape[3]),
)

EXCITATION = (
    Mistake(("excitation",), NO_SIGMOID, lambda z, w: _mlp(z, w)),
    Mistake(("excitation",), NO_RELU, lambda z, w: torch.sigmoid(_mlp(z, w, IDENTITY))),
    Mistake(("excitation",), "ReLU and sigmoid swapped: ReLU after W1, sigmoid after W2",
            lambda z, w: F.relu(_mlp(z, w, torch.sigmoid))),
    Mistake(("excitation",), SOFTMAX, lambda z, w: _softmax(_mlp(z, w)), SIGMOID_SECTION),
    Mistake(("excitation",), "tanh instead of the sigmoid: the gate should lie in (0, 1)",
            lambda z, w: torch.tanh(_mlp(z, w))),
    Mistake(("excitation",), "samples mixed: the batch was averaged; each row of z gets its own weights",
            lambda z, w: torch.sigmoid(_mlp(_batch_mean(z), w))),
)

SE_BLOCK = (
    Mistake(("se_block",), NO_SIGMOID, lambda x, w: _se(x, w, gate=IDENTITY)),
    Mistake(("se_block",), "max pooling in the squeeze: SE averages over H and W", lambda x, w: _se(x, w, pool=_amax)),
    Mistake(("se_block",), "sum pooling in the squeeze: SE averages over H and W (divide by H * W)",
            lambda x, w: _se(x, w, pool=lambda x: x.sum((2, 3))), "01_squeeze#why-the-mean"),
    Mistake(("se_block",), NO_RELU, lambda x, w: _se(x, w, hidden=IDENTITY), MLP_SECTION),
    Mistake(("se_block",), ADDED, lambda x, w: _se(x, w, combine=lambda x, g: x + g[:, :, None, None])),
    Mistake(("se_block",), SOFTMAX, lambda x, w: _se(x, w, gate=_softmax), SIGMOID_SECTION),
    Mistake(("se_block",), "samples mixed: the squeeze was averaged over the batch too",
            lambda x, w: _se(x, w, pool=lambda x: _batch_mean(x.mean((2, 3))))),
    Mistake(BLOCKS, "returned x unchanged: multiply x by the gate", lambda x, w: x),
)

KERNEL_SIZE = (
    Mistake(("eca_kernel_size",), "no rounding to odd: an even t becomes t + 1",
            lambda *a: _eca_k(*a, odd=IDENTITY)),
    Mistake(("eca_kernel_size",), "even t rounded down: an even t becomes t + 1, not t - 1",
            lambda *a: _eca_k(*a, odd=lambda t: t if t % 2 else t - 1)),
    Mistake(("eca_kernel_size",), "clamped to at least 3: the course's rule has no lower clamp (4 channels -> 1)",
            lambda *a: max(3, _eca_k(*a))),
    Mistake(("eca_kernel_size",), "natural log: the rule uses log2", lambda *a: _eca_k(*a, log=math.log)),
    Mistake(("eca_kernel_size",), "b ignored: t = |(log2(C) + b) / gamma|",
            lambda c, gamma=2, b=1: _eca_k(c, gamma, 0)),
    Mistake(("eca_kernel_size",), "rounded instead of truncated with int()", lambda *a: _eca_k(*a, trunc=round)),
    Mistake(("eca_kernel_size",), "rounded up instead of truncated with int()", lambda *a: _eca_k(*a, trunc=math.ceil)),
    Mistake(("eca_kernel_size",), "the absolute value is missing", lambda *a: _eca_k(*a, absolute=IDENTITY)),
)

ECA_BLOCK = (
    Mistake(("eca_block",), NO_SIGMOID, lambda x, w: _eca(x, w, gate=IDENTITY)),
    Mistake(("eca_block",), "max pooling: ECA squeezes with the mean over H and W",
            lambda x, w: _eca(x, w, pool=_amax)),
    Mistake(("eca_block",), "the convolution ran across the flattened batch, so neighbouring samples leak into "
            "each other: convolve each sample's descriptor as its own (1, C) sequence",
            lambda x, w: _eca(x, w, flat=True)),
    Mistake(("eca_block",), ADDED, lambda x, w: x + _eca_gate(x.mean((2, 3)), w["eca_kernel"])[:, :, None, None]),
    Mistake(("eca_block",), SOFTMAX, lambda x, w: _eca(x, w, gate=_softmax)),
)

CHANNEL = (
    Mistake(("channel_attention",), "only the average-pooled descriptor: add the MLP of the max-pooled one",
            lambda x, w: _channel(x, w, paths=("avg",))),
    Mistake(("channel_attention",), "only the max-pooled descriptor: add the MLP of the average-pooled one",
            lambda x, w: _channel(x, w, paths=("max",))),
    Mistake(("channel_attention",), "a sigmoid on each path before adding: add the two MLP outputs, then one sigmoid",
            lambda x, w: _channel(x, w, merge=lambda paths: torch.sigmoid(paths[0]) + torch.sigmoid(paths[1]))),
    Mistake(("channel_attention",), "the two paths were averaged: add them",
            lambda x, w: _channel(x, w, merge=lambda paths: torch.sigmoid((paths[0] + paths[1]) / 2))),
    Mistake(("channel_attention",), "mlp(avg + max): the descriptors were added before the MLP; run the MLP on "
            "each, mlp(avg) + mlp(max), then one sigmoid",
            lambda x, w: _rescale(x, torch.sigmoid(_mlp(x.mean((2, 3)) + x.amax((2, 3)), w))), SHARED_SECTION),
    Mistake(("channel_attention", "cbam"), NO_RELU + " (in the shared MLP)",
            lambda x, w: _maybe_spatial(_channel(x, w, hidden=IDENTITY), w), MLP_SECTION),
    Mistake(("channel_attention",), "sum pooling for the average path: the descriptor is the mean over H and W",
            lambda x, w: _channel(x, w, paths=("sum", "max")), "01_squeeze#why-the-mean"),
    Mistake(("channel_attention",), NO_SIGMOID, lambda x, w: _channel(x, w, gate=IDENTITY)),
    Mistake(("channel_attention",), "samples mixed: the pooling ran over the batch too",
            lambda x, w: _rescale(x, torch.sigmoid(_mlp(_batch_mean(x.mean((2, 3))), w)
                                                   + _mlp(x.amax((0, 2, 3)).expand(x.shape[:2]), w)))),
)

SPATIAL = (
    Mistake(("spatial_attention", "cbam"), "the maps are concatenated in the wrong order: the max map is input "
            "channel 0, the mean map channel 1",
            lambda x, w: _spatial(_channel(x, w) if "W1" in w else x, w, maps=("mean", "max"))),
    Mistake(("spatial_attention",), "both input maps are the mean: channel 0 is the max over channels",
            lambda x, w: _spatial(x, w, maps=("mean", "mean"))),
    Mistake(("spatial_attention",), "both input maps are the max: channel 1 is the mean over channels",
            lambda x, w: _spatial(x, w, maps=("max", "max"))),
    Mistake(("spatial_attention",), "the second map is a sum over channels: use the mean",
            lambda x, w: _spatial(x, w, maps=("max", "sum"))),
    Mistake(("spatial_attention",), NO_SIGMOID, lambda x, w: _spatial(x, w, gate=IDENTITY)),
    Mistake(("spatial_attention",), "samples mixed: the max and mean ran over the batch too (use dim=1 only)",
            lambda x, w: _spatial(x, w, dims=(0, 1))),
    Mistake(("spatial_attention",), ADDED, lambda x, w: x + torch.sigmoid(_spatial_logits(w, _max_mean(x)))),
)

CBAM = (
    Mistake(("cbam",), "the stages are in the wrong order: the channel stage comes first, the spatial stage "
            "runs on its output", lambda x, w: _channel(_spatial(x, w), w)),
    Mistake(("cbam",), "the stages ran in parallel on x: the spatial stage must see the channel stage's output",
            lambda x, w: _channel(x, w) * torch.sigmoid(_spatial_logits(w, _max_mean(x)))),
    Mistake(("cbam",), "only the channel stage: apply the spatial stage to its output", lambda x, w: _channel(x, w)),
    Mistake(("cbam",), "only the spatial stage: apply the channel stage first", lambda x, w: _spatial(x, w)),
    Mistake(("cbam",), "a residual was added: CBAM returns the rescaled features only",
            lambda x, w: x + _spatial(_channel(x, w), w)),
    Mistake(("cbam",), "the channel stage uses only the average-pooled descriptor",
            lambda x, w: _spatial(_channel(x, w, paths=("avg",)), w)),
)

MISTAKES = SQUEEZE + EXCITATION + SE_BLOCK + KERNEL_SIZE + ECA_BLOCK + CHANNEL + SPATIAL + CBAM


def for_exercise(exercise_id: str) -> list:
    """The mistakes that apply to one exercise, in the order they are tried."""
    return [m for m in MISTAKES if exercise_id in m.exercises]
