"""Implementations the checks must accept (every parameterisation the exercise API allows) or reject.

CORRECT[exercise id]: objects computing the API's function with other layouts, names and styles.
WRONG[exercise id]: (object, fragment) pairs; the failure message must contain the fragment.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


def _hidden(channels, reduction):
    return max(1, channels // reduction)


def _eca_k(channels, gamma=2, b=1):
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1


# ---- squeeze -----------------------------------------------------------------------------------

def squeeze_mean(x):
    return x.mean(dim=(2, 3), keepdim=True)


def squeeze_flatten(x):
    n, c = x.shape[:2]
    return x.flatten(2).mean(-1).reshape(n, c, 1, 1)


def squeeze_bare(x):  # drops N = 1 and C = 1 too
    return x.mean((2, 3)).squeeze()[..., None, None]


def squeeze_square(x):  # divides by H * H: right only when H == W
    return x.sum((2, 3), keepdim=True) / x.shape[2] ** 2


def squeeze_adaptive(x):
    return F.adaptive_avg_pool2d(x, 1)


def squeeze_avg_pool(x):
    return F.avg_pool2d(x, kernel_size=x.shape[2:])


def squeeze_two_means(x):
    return x.mean(-1, keepdim=True).mean(-2, keepdim=True)


def squeeze_channel_last(x):
    """Pooled in a channel-last copy, brought back to (N, C, 1, 1)."""
    return x.permute(0, 2, 3, 1).mean((1, 2))[:, :, None, None]


def squeeze_sum_over_size(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, -1).sum(-1).div(h * w).view(n, c, 1, 1)


def squeeze_no_keepdim(x):
    return x.mean((2, 3))


def squeeze_max(x):
    return x.amax((2, 3), keepdim=True)


def squeeze_off_by_one(x):  # divides by H * W - 1
    return x.sum((2, 3), keepdim=True) / (x.shape[2] * x.shape[3] - 1)


def squeeze_width_only(x):
    return x.mean(-1, keepdim=True)


def squeeze_float(x):  # float32 whatever the input
    return x.float().mean((2, 3), keepdim=True)


def squeeze_batch_mixed(x):  # pools over the batch too
    return x.mean((0, 2, 3), keepdim=True).expand(x.shape[0], -1, -1, -1)


def squeeze_detached(x):
    return x.detach().mean((2, 3), keepdim=True)


# ---- Excitation ---------------------------------------------------------------------------------

class ExcitationInOut(nn.Module):
    """Weights stored (in, out) and applied as z @ W."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.a = nn.Parameter(torch.randn(channels, h))
        self.b = nn.Parameter(torch.randn(h, channels))

    def forward(self, z):
        return torch.sigmoid(torch.relu(z @ self.a) @ self.b)


class ExcitationEinsum(nn.Module):
    """Weights in the canonical orientation, applied with einsum, registered in reverse."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.second = nn.Parameter(torch.randn(channels, h))
        self.first = nn.Parameter(torch.randn(h, channels))

    def forward(self, z):
        return torch.einsum("ch,nh->nc", self.second, torch.einsum("hc,nc->nh", self.first, z).relu()).sigmoid()


class ExcitationFlat(nn.Module):
    """Flat parameters of h * C values, viewed (C, h) and (h, C) inside forward."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.c, self.h = channels, _hidden(channels, reduction)
        self.w1 = nn.Parameter(torch.randn(self.c * self.h))
        self.w2 = nn.Parameter(torch.randn(self.h * self.c))

    def forward(self, z):
        return torch.sigmoid(F.relu(z @ self.w1.view(self.c, self.h)) @ self.w2.view(self.h, self.c))


class ExcitationOneFlat(nn.Module):
    """W1 and W2 in one flat parameter of 2 * h * C values, sliced in forward (W2's half first)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.c, self.h = channels, _hidden(channels, reduction)
        self.w = nn.Parameter(torch.randn(2 * self.c * self.h))

    def forward(self, z):
        n = self.c * self.h
        w1, w2 = self.w[n:].view(self.h, self.c), self.w[:n].view(self.c, self.h)
        return torch.sigmoid(F.relu(z @ w1.t()) @ w2.t())


class ExcitationOneStacked(nn.Module):
    """W1 and W2 stacked in one (2, h, C) parameter; W2 read as the transpose of the second slice."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.w = nn.Parameter(torch.randn(2, _hidden(channels, reduction), channels))

    def forward(self, z):
        return torch.sigmoid(F.relu(z @ self.w[0].t()) @ self.w[1])


class ExcitationConv1d(nn.Module):
    """Two kernel-1 Conv1d layers on the descriptor as a (N, C, 1) sequence."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.net = nn.Sequential(nn.Conv1d(channels, h, 1, bias=False), nn.ReLU(),
                                 nn.Conv1d(h, channels, 1, bias=False), nn.Sigmoid())

    def forward(self, z):
        return self.net(z[:, :, None])[:, :, 0]


class ExcitationNoReLU(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

    def forward(self, z):
        return torch.sigmoid(self.fc2(self.fc1(z)))


class ExcitationRatio(nn.Module):
    """The reduction under another keyword name."""

    def __init__(self, channels, ratio=16):
        super().__init__()
        h = _hidden(channels, ratio)
        self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

    def forward(self, z):
        return torch.sigmoid(self.fc2(F.relu(self.fc1(z))))


class ExcitationFloatHidden(nn.Module):
    """The hidden width computed with /."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels / reduction)
        self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

    def forward(self, z):
        return torch.sigmoid(self.fc2(F.relu(self.fc1(z))))


class ExcitationSequential(nn.Module):
    """nn.Sequential with module activations, ReLU in place."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(inplace=True),
                                nn.Linear(h, channels, bias=False), nn.Sigmoid())

    def forward(self, z):
        return self.fc(z)


class ExcitationClampMatmul(nn.Module):
    """Canonical weights applied with matmul on the transpose; ReLU as clamp(min=0)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.w1 = nn.Parameter(torch.randn(h, channels))
        self.w2 = nn.Parameter(torch.randn(channels, h))

    def forward(self, z):
        return 1 / (1 + torch.exp(-(z.matmul(self.w1.T).clamp(min=0) @ self.w2.T)))


class ExcitationNonContiguous(nn.Module):
    """Parameters created as transposed (non-contiguous) views, applied as z @ W."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.w1 = nn.Parameter(torch.randn(h, channels).t())  # (C, h), column-major
        self.w2 = nn.Parameter(torch.randn(channels, h).t())  # (h, C)

    def forward(self, z):
        return torch.sigmoid(F.relu(z @ self.w1) @ self.w2)


class ExcitationHalves(nn.Module):
    """W1 held as two Linear layers, each computing half of the hidden units (one may be empty)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.first = nn.Linear(channels, (h + 1) // 2, bias=False)
        self.second = nn.Linear(channels, h // 2, bias=False)
        self.out = nn.Linear(h, channels, bias=False)

    def forward(self, z):
        return torch.sigmoid(self.out(F.relu(torch.cat((self.first(z), self.second(z)), dim=1))))


class ExcitationSequentialSubclass(nn.Sequential):
    """The module is an nn.Sequential itself."""

    def __init__(self, channels, reduction=16):
        h = _hidden(channels, reduction)
        super().__init__(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False),
                         nn.Sigmoid())


class ExcitationHalvesInOut(nn.Module):
    """W1's two halves each stored (C, hidden / 2) and applied as z @ W; W2 stored (hidden, C)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.first = nn.Parameter(torch.randn(channels, (h + 1) // 2))
        self.second = nn.Parameter(torch.randn(channels, h // 2))
        self.out = nn.Parameter(torch.randn(h, channels))

    def forward(self, z):
        return torch.sigmoid(F.relu(torch.cat((z @ self.first, z @ self.second), dim=1)) @ self.out)


class ExcitationReusedLayer(nn.Module):
    """The layers kept in a Sequential and also under their own names (one parameter, two names)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.net = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
        self.fc1, self.fc2 = self.net[0], self.net[2]

    def forward(self, z):
        return torch.sigmoid(self.fc2(F.relu(self.fc1(z))))


def _excitation_variant(hidden=_hidden, gate=torch.sigmoid, relu=F.relu, after=lambda t: t):
    class Excitation(nn.Module):
        def __init__(self, channels, reduction=16):
            super().__init__()
            h = hidden(channels, reduction)
            self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

        def forward(self, z):
            return gate(after(self.fc2(relu(self.fc1(z)))))
    return Excitation


class ExcitationLazy(nn.Module):
    """nn.LazyLinear layers: no parameter has a shape until the first call."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.fc1 = nn.LazyLinear(_hidden(channels, reduction), bias=False)
        self.fc2 = nn.LazyLinear(channels, bias=False)

    def forward(self, z):
        return torch.sigmoid(self.fc2(F.relu(self.fc1(z))))


class ExcitationParametersInForward(nn.Module):
    """Parameters created on the first call: an optimizer built with the module would train nothing."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.h = _hidden(channels, reduction)

    def forward(self, z):
        if not hasattr(self, "w1"):
            c = z.shape[1]
            self.w1 = nn.Parameter(torch.randn(self.h, c, dtype=z.dtype, device=z.device))
            self.w2 = nn.Parameter(torch.randn(c, self.h, dtype=z.dtype, device=z.device))
        return torch.sigmoid(F.linear(F.relu(F.linear(z, self.w1)), self.w2))


ExcitationNoSigmoid = _excitation_variant(gate=lambda t: t)
ExcitationSoftmax = _excitation_variant(gate=lambda t: torch.softmax(t, dim=1))
ExcitationNoFloor = _excitation_variant(hidden=lambda c, r: c // r)  # hidden 0 when C < reduction
ExcitationCeil = _excitation_variant(hidden=lambda c, r: max(1, math.ceil(c / r)))
ExcitationRound = _excitation_variant(hidden=lambda c, r: max(1, round(c / r)))
ExcitationSecondReLU = _excitation_variant(after=F.relu)  # a ReLU after W2 too, where the API has none
ExcitationSigmoidInside = _excitation_variant(relu=torch.sigmoid)


# ---- SEBlock ------------------------------------------------------------------------------------

class SEBlockInOut(nn.Module):
    """(in, out) weights, applied with matmul, adaptive pooling, flatten(1)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.down = nn.Parameter(torch.randn(channels, h))
        self.up = nn.Parameter(torch.randn(h, channels))

    def forward(self, x):
        z = self.pool(x).flatten(1)  # (N, C)
        return x * torch.sigmoid(F.relu(z @ self.down) @ self.up)[:, :, None, None]


class SEBlockConv(nn.Module):
    """1x1 Conv2d layers on the (N, C, 1, 1) descriptor, no flattening at all."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.squeeze_conv = nn.Conv2d(channels, h, 1, bias=False)
        self.excite_conv = nn.Conv2d(h, channels, 1, bias=False)

    def forward(self, x):
        return x * self.excite_conv(self.squeeze_conv(x.mean((2, 3), keepdim=True)).relu()).sigmoid()


class SEBlockSubmodule(nn.Module):
    """An Excitation submodule with (in, out) weights under other names."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.gate = ExcitationInOut(channels, reduction)

    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.gate(x.mean((2, 3)).reshape(n, c)).reshape(n, c, 1, 1)


def _se_variant(pool=lambda x: x.mean((2, 3)), flatten=lambda z: z, relu=F.relu):
    class SEBlock(nn.Module):
        def __init__(self, channels, reduction=16):
            super().__init__()
            h = _hidden(channels, reduction)
            self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

        def forward(self, x):
            n, c = x.shape[:2]
            z = flatten(pool(x))
            return x * torch.sigmoid(self.fc2(relu(self.fc1(z)))).view(n, c, 1, 1)
    return SEBlock


SEBlockBareSqueeze = _se_variant(pool=lambda x: x.mean((2, 3), keepdim=True), flatten=lambda z: z.squeeze())
SEBlockMax = _se_variant(pool=lambda x: x.amax((2, 3)))
SEBlockSum = _se_variant(pool=lambda x: x.sum((2, 3)))
SEBlockNoReLU = _se_variant(relu=lambda t: t)


class SEBlockSequential(nn.Module):
    """One nn.Sequential from x to the gate: pooling, flatten, MLP, sigmoid, unflatten."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, h, bias=False),
                                  nn.ReLU(), nn.Linear(h, channels, bias=False), nn.Sigmoid(),
                                  nn.Unflatten(1, (channels, 1, 1)))

    def forward(self, x):
        return x * self.gate(x)


class SEBlockChannelLast(nn.Module):
    """Rescaled in a channel-last layout, Linear layers on the last axis, permuted back."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)  # (N, H, W, C)
        gate = torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((1, 2), keepdim=True)))))  # (N, 1, 1, C)
        return (x * gate).permute(0, 3, 1, 2)


class SEBlockEinsumRescale(nn.Module):
    """The Excitation as a submodule built by a factory; the rescaling by einsum."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.excitation = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(),
                                        nn.Linear(h, channels, bias=False), nn.Sigmoid())

    def forward(self, x):
        return torch.einsum("nchw,nc->nchw", x, self.excitation(torch.mean(x, dim=[2, 3])))


def _se_rescale_variant(rescale):
    class SEBlock(nn.Module):
        def __init__(self, channels, reduction=16):
            super().__init__()
            h = _hidden(channels, reduction)
            self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

        def forward(self, x):
            n, c = x.shape[:2]
            return rescale(x, torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3)))))), n, c)
    return SEBlock


SEBlockResidual = _se_rescale_variant(lambda x, g, n, c: x + x * g.view(n, c, 1, 1))
SEBlockAdded = _se_rescale_variant(lambda x, g, n, c: x + g.view(n, c, 1, 1))
SEBlockMixedSamples = _se_rescale_variant(lambda x, g, n, c: x * g.t().reshape(n, c, 1, 1))
SEBlockGateOnly = _se_rescale_variant(lambda x, g, n, c: g.view(n, c, 1, 1).expand_as(x))


class SEBlockCeil(SEBlockConv):
    """The hidden width computed as int(C / r + 0.5), rounded where the API floors."""

    def __init__(self, channels, reduction=16):
        super().__init__(channels, reduction)
        h = max(1, int(channels / reduction + 0.5))
        self.squeeze_conv = nn.Conv2d(channels, h, 1, bias=False)
        self.excite_conv = nn.Conv2d(h, channels, 1, bias=False)


# ---- ECABlock -----------------------------------------------------------------------------------

class ECABlockRawKernel(nn.Module):
    """A raw (k,) parameter and F.conv1d; descriptor reshaped, not squeezed."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or _eca_k(channels, gamma, b)
        self.kernel = nn.Parameter(torch.randn(k))

    def forward(self, x):
        n, c = x.shape[:2]
        k = self.kernel.numel()
        z = x.mean((2, 3)).reshape(n, 1, c)
        return x * torch.sigmoid(F.conv1d(z, self.kernel.view(1, 1, k), padding=(k - 1) // 2)).reshape(n, c, 1, 1)


class ECABlockTrueConvolution(ECABlockRawKernel):
    """The kernel applied back to front: a true convolution, not PyTorch's cross-correlation."""

    def forward(self, x):
        n, c = x.shape[:2]
        k = self.kernel.numel()
        z = x.mean((2, 3)).reshape(n, 1, c)
        gate = F.conv1d(z, self.kernel.flip(0).view(1, 1, k), padding=(k - 1) // 2)
        return x * torch.sigmoid(gate).reshape(n, c, 1, 1)


class ECABlockUnfold(nn.Module):
    """The convolution written as a sum over shifted descriptors (an einsum over unfolded windows)."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.k = kernel_size or _eca_k(channels, gamma, b)
        self.w = nn.Parameter(torch.randn(1, self.k))

    def forward(self, x):
        n, c = x.shape[:2]
        p = (self.k - 1) // 2
        z = F.pad(x.mean((2, 3)), (p, p))  # (N, C + 2p)
        windows = z.unfold(1, self.k, 1)  # (N, C, k)
        return x * torch.einsum("nck,k->nc", windows, self.w[0]).sigmoid()[:, :, None, None]


def _eca_variant(rule=_eca_k, use_kernel_size=True, transposed=False):
    class ECABlock(nn.Module):
        def __init__(self, channels, gamma=2, b=1, kernel_size=None):
            super().__init__()
            k = kernel_size if (kernel_size and use_kernel_size) else rule(channels, gamma, b)
            self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)

        def forward(self, x):
            n, c = x.shape[:2]
            z = x.mean((2, 3)).reshape(n, c, 1) if transposed else x.mean((2, 3)).reshape(n, 1, c)
            return x * torch.sigmoid(self.conv(z)).reshape(n, c, 1, 1)
    return ECABlock


ECABlockIgnoresGammaB = _eca_variant(rule=lambda c, gamma, b: _eca_k(c))
ECABlockIgnoresKernelSize = _eca_variant(use_kernel_size=False)
ECABlockTransposed = _eca_variant(transposed=True)


class ECABlockPaddingOne(nn.Module):
    """Padding hard-coded for k = 3."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or _eca_k(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=1, bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).reshape(n, 1, c))).view(n, -1, 1, 1)


class ECABlockG(nn.Module):
    """gamma and b under other names."""

    def __init__(self, channels, g=2, beta=1, kernel_size=None):
        super().__init__()
        k = kernel_size or _eca_k(channels, g, beta)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).reshape(n, 1, c))).reshape(n, c, 1, 1)


class ECABlockSamePadding(nn.Module):
    """nn.Conv1d with padding='same' (odd k: (k - 1) // 2 on each side)."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.conv = nn.Conv1d(1, 1, kernel_size or _eca_k(channels, gamma, b), padding="same", bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, c))).view(n, c, 1, 1)


class ECABlockExplicitPad(nn.Module):
    """F.pad with zeros, then an unpadded F.conv1d on a raw (1, 1, k) kernel."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(1, 1, kernel_size or _eca_k(channels, gamma, b)))

    def forward(self, x):
        n, c = x.shape[:2]
        p = (self.weight.shape[-1] - 1) // 2
        z = F.pad(x.mean((2, 3))[:, None, :], (p, p))
        return x * F.conv1d(z, self.weight).sigmoid().view(n, c, 1, 1)


class ECABlockConv2d(nn.Module):
    """A (1, k) nn.Conv2d over the descriptor laid out as a (N, 1, 1, C) image."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or _eca_k(channels, gamma, b)
        self.conv = nn.Conv2d(1, 1, (1, k), padding=(0, (k - 1) // 2), bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, 1, c))).view(n, c, 1, 1)


class ECABlockBandMatrix(nn.Module):
    """The convolution as a banded (C, C) matrix built from the kernel; the descriptor channel-last."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.kernel = nn.Parameter(torch.randn(kernel_size or _eca_k(channels, gamma, b)))

    def forward(self, x):
        c, k = x.shape[1], self.kernel.numel()
        p = (k - 1) // 2
        band = x.new_zeros(c, c)
        for j in range(k):  # tap j on the diagonal at offset j - p
            if abs(j - p) < c:
                band = band + torch.diag(self.kernel[j] * x.new_ones(c - abs(j - p)), j - p)
        gate = torch.sigmoid(x.mean((2, 3)) @ band.T)  # gate[n, i] = sum_j kernel[j] z[n, i + j - p]
        return x * gate[:, :, None, None]


class ECABlockConvColumn(nn.Module):
    """A (k, 1) nn.Conv2d over the descriptor laid out as a (N, 1, C, 1) column."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or _eca_k(channels, gamma, b)
        self.conv = nn.Conv2d(1, 1, (k, 1), padding=((k - 1) // 2, 0), bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, c, 1))).view(n, c, 1, 1)


class ECABlockTaps(nn.Module):
    """Each tap its own scalar parameter in an nn.ParameterList; the convolution as a sum of shifted descriptors."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or _eca_k(channels, gamma, b)
        self.taps = nn.ParameterList([nn.Parameter(torch.randn(())) for _ in range(k)])

    def forward(self, x):
        c, k = x.shape[1], len(self.taps)
        z = F.pad(x.mean((2, 3)), ((k - 1) // 2, (k - 1) // 2))
        gate = sum(w * z[:, j:j + c] for j, w in enumerate(self.taps))
        return x * torch.sigmoid(gate)[:, :, None, None]


class ECABlockBufferedKernelSize(nn.Module):
    """The kernel size kept as a registered buffer; the rule worked out with math.log (not log2)."""

    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        if kernel_size is None:
            t = int(abs((math.log(channels, 2) + b) / gamma))
            kernel_size = t if t % 2 else t + 1
        self.register_buffer("k", torch.tensor(kernel_size))
        self.conv = nn.Conv1d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).unsqueeze(1))).unsqueeze(-1).reshape(n, c, 1, 1)


def _eca_conv_variant(padding=lambda k: (k - 1) // 2, mode="zeros", pool=lambda x: x.mean((2, 3)),
                      gate=torch.sigmoid, rule=_eca_k, bias=False):
    class ECABlock(nn.Module):
        def __init__(self, channels, gamma=2, b=1, kernel_size=None):
            super().__init__()
            k = kernel_size or rule(channels, gamma, b)
            self.conv = nn.Conv1d(1, 1, k, padding=padding(k), padding_mode=mode, bias=bias)

        def forward(self, x):
            n, c = x.shape[:2]
            return x * gate(self.conv(pool(x).reshape(n, 1, c))).reshape(n, c, 1, 1)
    return ECABlock


def _eca_round_down(channels, gamma=2, b=1):  # an even t rounded down to odd
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else max(1, t - 1)


def _eca_round(channels, gamma=2, b=1):  # round() instead of int()
    t = round(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1


def _eca_at_least_3(channels, gamma=2, b=1):  # a lower clamp the API does not have
    return max(3, _eca_k(channels, gamma, b))


ECABlockReflect = _eca_conv_variant(mode="reflect")
ECABlockCircular = _eca_conv_variant(mode="circular")
ECABlockPadHalfK = _eca_conv_variant(padding=lambda k: k // 2 + 1)  # one too many on each side
ECABlockNoSigmoid = _eca_conv_variant(gate=lambda t: t)
ECABlockReLU = _eca_conv_variant(gate=lambda t: torch.sigmoid(F.relu(t)))  # a ReLU where the API has none
ECABlockMaxPool = _eca_conv_variant(pool=lambda x: x.amax((2, 3)))
ECABlockBias = _eca_conv_variant(bias=True)
ECABlockRoundDown = _eca_conv_variant(rule=_eca_round_down)
ECABlockRound = _eca_conv_variant(rule=_eca_round)
ECABlockClamped = _eca_conv_variant(rule=_eca_at_least_3)


class ECABlockAcrossSamples(ECABlockRawKernel):
    """One sequence of N * C values: the kernel reaches from one sample's last channels into the next's."""

    def forward(self, x):
        n, c = x.shape[:2]
        k = self.kernel.numel()
        z = x.mean((2, 3)).reshape(1, 1, n * c)
        return x * torch.sigmoid(F.conv1d(z, self.kernel.view(1, 1, k), padding=(k - 1) // 2)).reshape(n, c, 1, 1)


# ---- ChannelAttention ---------------------------------------------------------------------------

class ChannelAttentionStacked(nn.Module):
    """One call of an (in, out) MLP on both descriptors stacked, einsum."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.w_in = nn.Parameter(torch.randn(channels, h))
        self.w_out = nn.Parameter(torch.randn(h, channels))

    def forward(self, x):
        d = torch.stack((x.mean((2, 3)), x.amax((2, 3))))  # (2, N, C)
        logits = torch.einsum("pnh,hc->pnc", torch.einsum("pnc,ch->pnh", d, self.w_in).relu(), self.w_out)
        return x * torch.sigmoid(logits.sum(0))[:, :, None, None]


class ChannelAttentionOneParameter(nn.Module):
    """The shared MLP as one (2, C, h) parameter: [0] holds W1 as (in, out), [1] holds W2 as (out, in)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.mlp = nn.Parameter(torch.randn(2, channels, _hidden(channels, reduction)))

    def forward(self, x):
        mlp = lambda z: F.relu(z @ self.mlp[0]) @ self.mlp[1].t()  # noqa: E731
        return x * torch.sigmoid(mlp(x.mean((2, 3))) + mlp(x.amax((2, 3))))[:, :, None, None]


class ChannelAttentionConv(nn.Module):
    """Two calls of a 1x1-conv MLP on pooled maps."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.shared = nn.Sequential(nn.Conv2d(channels, h, 1, bias=False), nn.ReLU(),
                                    nn.Conv2d(h, channels, 1, bias=False))

    def forward(self, x):
        avg = F.adaptive_avg_pool2d(x, 1)
        mx = F.adaptive_max_pool2d(x, 1)
        return x * torch.sigmoid(self.shared(avg) + self.shared(mx))


def _ca_variant(relu=F.relu, add_first=False, keyword="reduction"):
    def build(self, channels, r):
        nn.Module.__init__(self)
        h = _hidden(channels, r)
        self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

    def forward(self, x):
        avg, mx = x.mean((2, 3)), x.amax((2, 3))
        mlp = lambda z: self.fc2(relu(self.fc1(z)))  # noqa: E731
        logits = mlp(avg + mx) if add_first else mlp(avg) + mlp(mx)
        return x * torch.sigmoid(logits)[:, :, None, None]

    if keyword == "reduction":
        def __init__(self, channels, reduction=16):
            build(self, channels, reduction)
    else:
        def __init__(self, channels, ratio=16):
            build(self, channels, ratio)
    return type("ChannelAttention", (nn.Module,), {"__init__": __init__, "forward": forward})


ChannelAttentionNoReLU = _ca_variant(relu=lambda t: t)
ChannelAttentionAddFirst = _ca_variant(add_first=True)
ChannelAttentionRatio = _ca_variant(keyword="ratio")


class ChannelAttentionBareSqueeze(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        mlp = lambda z: self.fc2(F.relu(self.fc1(z)))  # noqa: E731
        avg = F.adaptive_avg_pool2d(x, 1).squeeze()
        mx = F.adaptive_max_pool2d(x, 1).squeeze()
        return x * torch.sigmoid(mlp(avg) + mlp(mx)).view(n, c, 1, 1)


class ChannelAttentionTwoMLPs(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.avg_mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
        self.max_mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))

    def forward(self, x):
        logits = self.avg_mlp(x.mean((2, 3))) + self.max_mlp(x.amax((2, 3)))
        return x * torch.sigmoid(logits)[:, :, None, None]


class ChannelAttentionDetached(ChannelAttentionStacked):
    def forward(self, x):
        return super().forward(x).detach() + 0 * x


class ChannelAttentionBatched(nn.Module):
    """Both descriptors through the MLP in one call on a (2N, C) batch, split again with chunk."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(inplace=True),
                                 nn.Linear(h, channels, bias=False))

    def forward(self, x):
        n = x.shape[0]
        avg, mx = self.mlp(torch.cat((x.mean((2, 3)), x.flatten(2).max(-1).values))).chunk(2)
        return x * torch.sigmoid(avg + mx).view(n, -1, 1, 1)


class ChannelAttentionConv1dPair(nn.Module):
    """Both descriptors as a length-2 sequence (N, C, 2) through kernel-1 nn.Conv1d layers, summed over it."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.mlp = nn.Sequential(nn.Conv1d(channels, h, 1, bias=False), nn.ReLU(),
                                 nn.Conv1d(h, channels, 1, bias=False))

    def forward(self, x):
        d = torch.stack((x.mean((2, 3)), x.amax((2, 3))), dim=2)  # (N, C, 2)
        return x * torch.sigmoid(self.mlp(d).sum(2))[:, :, None, None]


class ChannelAttentionTupleMax(nn.Module):
    """Max pooling written as two torch.max(...)[0] calls; the MLP as F.linear on raw parameters."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.w1 = nn.Parameter(torch.empty(h, channels))
        self.w2 = nn.Parameter(torch.empty(channels, h))
        nn.init.kaiming_uniform_(self.w1)
        nn.init.kaiming_uniform_(self.w2)

    def forward(self, x):
        mx = torch.max(torch.max(x, dim=3)[0], dim=2)[0]
        mlp = lambda z: F.linear(F.relu(F.linear(z, self.w1)), self.w2)  # noqa: E731
        return x * torch.sigmoid(mlp(torch.mean(x, dim=(2, 3))) + mlp(mx)).unsqueeze(-1).unsqueeze(-1)


class ChannelAttentionMaxFirst(nn.Module):
    """The max-pooled descriptor through the MLP first (the sum does not care); 1x1 convolutions."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        h = _hidden(channels, reduction)
        self.conv1 = nn.Conv2d(channels, h, 1, bias=False)
        self.conv2 = nn.Conv2d(h, channels, 1, bias=False)

    def forward(self, x):
        mlp = lambda z: self.conv2(F.relu(self.conv1(z)))  # noqa: E731
        return x * (mlp(x.amax((2, 3), keepdim=True)) + mlp(x.mean((2, 3), keepdim=True))).sigmoid()


def _ca_gate_variant(combine):
    class ChannelAttention(nn.Module):
        def __init__(self, channels, reduction=16):
            super().__init__()
            h = _hidden(channels, reduction)
            self.fc1, self.fc2 = nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False)

        def forward(self, x):
            mlp = lambda z: self.fc2(F.relu(self.fc1(z)))  # noqa: E731
            return x * combine(mlp(x.mean((2, 3))), mlp(x.amax((2, 3))))[:, :, None, None]
    return ChannelAttention


ChannelAttentionSigmoidEach = _ca_gate_variant(lambda a, m: torch.sigmoid(a) + torch.sigmoid(m))
ChannelAttentionProduct = _ca_gate_variant(lambda a, m: torch.sigmoid(a) * torch.sigmoid(m))
ChannelAttentionAvgOnly = _ca_gate_variant(lambda a, m: torch.sigmoid(a))
ChannelAttentionMaxOnly = _ca_gate_variant(lambda a, m: torch.sigmoid(m))
ChannelAttentionSecondReLU = _ca_gate_variant(lambda a, m: torch.sigmoid(F.relu(a) + F.relu(m)))


class ChannelAttentionCeil(ChannelAttentionConv):
    """The hidden width rounded up: ceil(C / r) where the API floors, max(1, C // r)."""

    def __init__(self, channels, reduction=16):
        super().__init__(channels, reduction)
        h = math.ceil(channels / reduction)
        self.shared = nn.Sequential(nn.Conv2d(channels, h, 1, bias=False), nn.ReLU(),
                                    nn.Conv2d(h, channels, 1, bias=False))


class ChannelAttentionMaxOverChannels(ChannelAttentionStacked):
    """The max descriptor taken over the channels and spatial axes together (one value per sample)."""

    def forward(self, x):
        mx = x.amax((1, 2, 3))[:, None].expand(-1, x.shape[1])
        logits = F.relu(x.mean((2, 3)) @ self.w_in) @ self.w_out + F.relu(mx @ self.w_in) @ self.w_out
        return x * torch.sigmoid(logits)[:, :, None, None]


# ---- SpatialAttention ---------------------------------------------------------------------------

class SpatialAttentionChannelLast(nn.Module):
    """The kernel stored (k, k, 2), channel-last, permuted inside forward."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.k = kernel_size
        self.kernel = nn.Parameter(torch.randn(kernel_size, kernel_size, 2))

    def forward(self, x):
        maps = torch.cat((x.max(dim=1, keepdim=True).values, x.mean(dim=1, keepdim=True)), dim=1)
        return x * torch.sigmoid(F.conv2d(maps, self.kernel.permute(2, 0, 1)[None], padding=self.k // 2))


class SpatialAttentionTrueConvolution(nn.Module):
    """The (2, k, k) kernel applied back to front on both axes: a true 2-D convolution."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.k = kernel_size
        self.kernel = nn.Parameter(torch.randn(2, kernel_size, kernel_size))

    def forward(self, x):
        maps = torch.cat((x.max(dim=1, keepdim=True).values, x.mean(dim=1, keepdim=True)), dim=1)
        return x * torch.sigmoid(F.conv2d(maps, self.kernel.flip((1, 2))[None], padding=self.k // 2))


class SpatialAttentionRaw(nn.Module):
    """A raw (2, k, k) parameter, maps stacked."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(2, kernel_size, kernel_size))

    def forward(self, x):
        maps = torch.stack((x.amax(1), x.mean(1)), dim=1)
        return x * F.conv2d(maps, self.weight.unsqueeze(0), padding=self.weight.shape[-1] // 2).sigmoid()


def _sa_variant(order=("max", "mean"), padding=None, keyword="kernel_size"):
    def build(self, k):
        nn.Module.__init__(self)
        self.conv = nn.Conv2d(2, 1, k, padding=k // 2 if padding is None else padding, bias=False)

    def forward(self, x):
        named = {"max": x.amax(1, keepdim=True), "mean": x.mean(1, keepdim=True)}
        return x * torch.sigmoid(self.conv(torch.cat([named[o] for o in order], 1)))

    if keyword == "kernel_size":
        def __init__(self, kernel_size=7):
            build(self, kernel_size)
    else:
        def __init__(self, k=7):
            build(self, k)
    return type("SpatialAttention", (nn.Module,), {"__init__": __init__, "forward": forward})


SpatialAttentionMeanFirst = _sa_variant(order=("mean", "max"))
SpatialAttentionPadding3 = _sa_variant(padding=3)
SpatialAttentionK = _sa_variant(keyword="k")


class SpatialAttentionMaxTuple(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.max(dim=1, keepdim=True), x.mean(1, keepdim=True)], 1)))


class SpatialAttentionWrongAxis(nn.Module):
    """Max and mean over the width instead of the channels."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.amax(3, keepdim=True), x.mean(3, keepdim=True)], 3)))


class SpatialAttentionSplit(nn.Module):
    """The 2-channel kernel held as two 1-in convolutions, one per map, their outputs summed."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.max_conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)
        self.mean_conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        return x * torch.sigmoid(self.max_conv(x.amax(1, keepdim=True)) + self.mean_conv(x.mean(1, keepdim=True)))


class SpatialAttentionSplitMeanRegisteredFirst(nn.Module):
    """Split as above, the mean map's convolution registered (and called) first."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.mean_conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)
        self.max_conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        mean_part = self.mean_conv(torch.mean(x, 1, keepdim=True))
        return x * torch.sigmoid(mean_part + self.max_conv(torch.max(x, 1, keepdim=True)[0]))


class SpatialAttentionSamePadding(nn.Module):
    """padding='same' and an nn.Sequential with the sigmoid as a module."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.gate = nn.Sequential(nn.Conv2d(2, 1, kernel_size, padding="same", bias=False), nn.Sigmoid())

    def forward(self, x):
        return x * self.gate(torch.cat([x.max(dim=1, keepdim=True).values, x.mean(dim=1, keepdim=True)], dim=1))


class SpatialAttentionExplicitPad(nn.Module):
    """F.pad with zeros, then an unpadded convolution; the maps stacked from reductions without keepdim."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, bias=False)

    def forward(self, x):
        p = self.conv.kernel_size[0] // 2
        maps = F.pad(torch.stack((x.max(dim=1).values, x.mean(dim=1)), dim=1), (p, p, p, p))
        return x * torch.sigmoid(self.conv(maps))


class SpatialAttentionUnfold(nn.Module):
    """The convolution as a matrix product over unfolded patches (im2col)."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.k = kernel_size
        self.weight = nn.Parameter(torch.randn(1, 2 * kernel_size * kernel_size))

    def forward(self, x):
        n, _, h, w = x.shape
        maps = torch.cat((x.amax(1, keepdim=True), x.mean(1, keepdim=True)), 1)
        patches = F.unfold(maps, self.k, padding=self.k // 2)  # (N, 2 k k, H W)
        return x * torch.sigmoid(self.weight @ patches).view(n, 1, h, w)


class SpatialAttentionConv3d(nn.Module):
    """The two maps as the depth of a one-channel volume, a (2, k, k) nn.Conv3d kernel over it."""

    def __init__(self, kernel_size=7):
        super().__init__()
        p = kernel_size // 2
        self.conv = nn.Conv3d(1, 1, (2, kernel_size, kernel_size), padding=(0, p, p), bias=False)

    def forward(self, x):
        maps = torch.stack((x.amax(1), x.mean(1)), 1)[:, None]  # (N, 1, 2, H, W)
        return x * torch.sigmoid(self.conv(maps)[:, 0])


class SpatialAttentionGrouped(nn.Module):
    """A (2, 1, k, k) kernel as a grouped convolution (one group per map), the two outputs summed."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(2, 1, kernel_size, kernel_size))

    def forward(self, x):
        maps = torch.cat((x.amax(1, keepdim=True), x.mean(1, keepdim=True)), 1)
        per_map = F.conv2d(maps, self.weight, padding=self.weight.shape[-1] // 2, groups=2)  # (N, 2, H, W)
        return x * torch.sigmoid(per_map.sum(1, keepdim=True))


def _sa_conv_variant(mode="zeros", padding=lambda k: k // 2, gate=torch.sigmoid, after=lambda t: t,
                     mean=lambda x: x.mean(1, keepdim=True)):
    class SpatialAttention(nn.Module):
        def __init__(self, kernel_size=7):
            super().__init__()
            self.conv = nn.Conv2d(2, 1, kernel_size, padding=padding(kernel_size), padding_mode=mode, bias=False)

        def forward(self, x):
            return x * gate(after(self.conv(torch.cat([x.amax(1, keepdim=True), mean(x)], 1))))
    return SpatialAttention


SpatialAttentionReflect = _sa_conv_variant(mode="reflect")
SpatialAttentionReplicate = _sa_conv_variant(mode="replicate")
SpatialAttentionNoSigmoid = _sa_conv_variant(gate=lambda t: t)
SpatialAttentionReLU = _sa_conv_variant(after=F.relu)  # a ReLU after the convolution, where the API has none
SpatialAttentionSumMap = _sa_conv_variant(mean=lambda x: x.sum(1, keepdim=True))
SpatialAttentionPaddingMinusOne = _sa_conv_variant(padding=lambda k: max(0, k // 2 - 1))


class SpatialAttentionSharedKernel(nn.Module):
    """One (1, 1, k, k) kernel applied to both maps: half the weights."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        return x * torch.sigmoid(self.conv(x.amax(1, keepdim=True)) + self.conv(x.mean(1, keepdim=True)))


class SpatialAttentionSplitOneMap(SpatialAttentionSplit):
    """Split in two convolutions, but both read the max map."""

    def forward(self, x):
        mx = x.amax(1, keepdim=True)
        return x * torch.sigmoid(self.max_conv(mx) + self.mean_conv(mx))


# ---- CBAM ---------------------------------------------------------------------------------------

class CBAMFlat(nn.Module):
    """Both stages in one module, (in, out) MLP weights, the spatial kernel channel-last."""

    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        h = _hidden(channels, reduction)
        self.k = kernel_size
        self.mlp_in = nn.Parameter(torch.randn(channels, h))
        self.mlp_out = nn.Parameter(torch.randn(h, channels))
        self.spatial = nn.Parameter(torch.randn(kernel_size, kernel_size, 2))

    def forward(self, x):
        mlp = lambda z: F.relu(z @ self.mlp_in) @ self.mlp_out  # noqa: E731
        x = x * torch.sigmoid(mlp(x.mean((2, 3))) + mlp(x.amax((2, 3))))[:, :, None, None]
        maps = torch.cat((x.amax(1, keepdim=True), x.mean(1, keepdim=True)), 1)
        return x * torch.sigmoid(F.conv2d(maps, self.spatial.permute(2, 0, 1)[None], padding=self.k // 2))


class CBAMComposed(nn.Module):
    """Built from the gallery's own stages, spatial registered first."""

    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.spatial = SpatialAttentionRaw(kernel_size)
        self.channel = ChannelAttentionStacked(channels, reduction)

    def forward(self, x):
        return self.spatial(self.channel(x))


class CBAMOneMLPParameter(nn.Module):
    """The MLP's two matrices in one flat parameter, the spatial kernel a raw (1, 2, k, k) parameter."""

    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.c, self.h, self.k = channels, _hidden(channels, reduction), kernel_size
        self.mlp = nn.Parameter(torch.randn(2 * self.c * self.h))
        self.kernel = nn.Parameter(torch.randn(1, 2, kernel_size, kernel_size))

    def forward(self, x):
        w1, w2 = self.mlp.view(2, -1)
        mlp = lambda z: F.linear(F.relu(F.linear(z, w1.view(self.h, self.c))), w2.view(self.c, self.h))  # noqa: E731
        x = x * torch.sigmoid(mlp(x.mean((2, 3))) + mlp(x.amax((2, 3))))[:, :, None, None]
        maps = torch.cat((x.amax(1, keepdim=True), x.mean(1, keepdim=True)), 1)
        return x * torch.sigmoid(F.conv2d(maps, self.kernel, padding=self.k // 2))


class CBAMPositionalOnly(nn.Module):
    """Keywords named otherwise: CBAM(channels, r, k)."""

    def __init__(self, channels, r=16, k=7):
        super().__init__()
        self.channel, self.spatial = ChannelAttentionConv(channels, r), SpatialAttentionRaw(k)

    def forward(self, x):
        return self.spatial(self.channel(x))


class CBAMNoReLU(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel, self.spatial = ChannelAttentionNoReLU(channels, reduction), SpatialAttentionRaw(kernel_size)

    def forward(self, x):
        return self.spatial(self.channel(x))


class CBAMSplitSpatial(nn.Module):
    """The spatial kernel split over two convolutions, the mean map's registered first; a Sequential of stages."""

    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.stages = nn.Sequential(ChannelAttentionConv(channels, reduction),
                                    SpatialAttentionSplitMeanRegisteredFirst(kernel_size))

    def forward(self, x):
        return self.stages(x)


def CBAMFactory(channels, reduction=16, kernel_size=7):  # noqa: N802 (called as the API's class)
    """A function building the module: an nn.Sequential of the two stages."""
    return nn.Sequential(ChannelAttentionBatched(channels, reduction), SpatialAttentionSamePadding(kernel_size))


def _cbam_variant(combine):
    class CBAM(nn.Module):
        def __init__(self, channels, reduction=16, kernel_size=7):
            super().__init__()
            self.channel, self.spatial = ChannelAttentionConv(channels, reduction), SpatialAttentionRaw(kernel_size)

        def forward(self, x):
            return combine(self.channel, self.spatial, x)
    return CBAM


class CBAMCeil(nn.Module):
    """Its own channel stage with the hidden width rounded up."""

    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel, self.spatial = ChannelAttentionCeil(channels, reduction), SpatialAttentionSplit(kernel_size)

    def forward(self, x):
        return self.spatial(self.channel(x))


class CBAMSpatialGateOfInput(CBAMComposed):
    """The spatial gate computed from x, not from the channel stage's output."""

    def forward(self, x):
        return self.spatial(x) / x * self.channel(x)


CBAMSpatialFirst = _cbam_variant(lambda channel, spatial, x: channel(spatial(x)))
CBAMSideBySide = _cbam_variant(lambda channel, spatial, x: channel(x) + spatial(x))
CBAMResidual = _cbam_variant(lambda channel, spatial, x: x + spatial(channel(x)))


# ---- eca_kernel_size ----------------------------------------------------------------------------

def eca_kernel_size_bits(channels, gamma=2, b=1):
    t = int(abs((math.log(channels, 2) + b) / gamma))
    return t + 1 - t % 2


def eca_kernel_size_g(channels, g=2, beta=1):
    return _eca_k(channels, g, beta)


def eca_kernel_size_or_one(channels, gamma=2, b=1):
    return math.floor(abs((math.log2(channels) + b) / gamma)) | 1  # t | 1: t if odd, else t + 1


def eca_kernel_size_abs_numerator(channels, gamma=2, b=1):  # |log2 C + b| / gamma: negative for gamma < 0
    t = int(abs(math.log2(channels) + b) / gamma)
    return t if t % 2 else t + 1


def eca_kernel_size_float(channels, gamma=2, b=1):  # a float, not an int kernel size
    return float(_eca_k(channels, gamma, b))


def eca_kernel_size_no_abs(channels, gamma=2, b=1):
    t = int((math.log2(channels) + b) / gamma)
    return t if t % 2 else t + 1


def _kernel_size_from(rule):
    def eca_kernel_size(channels, gamma=2, b=1):
        return rule(channels, gamma, b)
    return eca_kernel_size


def _eca_ceil(channels, gamma=2, b=1):
    t = math.ceil(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1


CORRECT = {
    "squeeze": [squeeze_mean, squeeze_flatten, squeeze_adaptive, squeeze_avg_pool, squeeze_two_means,
                squeeze_channel_last, squeeze_sum_over_size],
    "excitation": [ExcitationInOut, ExcitationEinsum, ExcitationFlat, ExcitationConv1d, ExcitationOneFlat,
                   ExcitationOneStacked, ExcitationSequential, ExcitationClampMatmul, ExcitationNonContiguous,
                   ExcitationHalves, ExcitationHalvesInOut, ExcitationReusedLayer, ExcitationSequentialSubclass],
    "se_block": [SEBlockInOut, SEBlockConv, SEBlockSubmodule, SEBlockSequential, SEBlockChannelLast,
                 SEBlockEinsumRescale],
    "eca_kernel_size": [eca_kernel_size_bits, eca_kernel_size_or_one],
    "eca_block": [ECABlockRawKernel, ECABlockUnfold, ECABlockTrueConvolution, ECABlockSamePadding,
                  ECABlockExplicitPad, ECABlockConv2d, ECABlockBandMatrix, ECABlockBufferedKernelSize,
                  ECABlockConvColumn, ECABlockTaps],
    "channel_attention": [ChannelAttentionStacked, ChannelAttentionConv, ChannelAttentionOneParameter,
                          ChannelAttentionBatched, ChannelAttentionTupleMax, ChannelAttentionMaxFirst,
                          ChannelAttentionConv1dPair],
    "spatial_attention": [SpatialAttentionChannelLast, SpatialAttentionRaw, SpatialAttentionTrueConvolution,
                          SpatialAttentionSplit, SpatialAttentionSplitMeanRegisteredFirst,
                          SpatialAttentionSamePadding, SpatialAttentionExplicitPad, SpatialAttentionUnfold,
                          SpatialAttentionConv3d, SpatialAttentionGrouped],
    "cbam": [CBAMFlat, CBAMComposed, CBAMOneMLPParameter, CBAMSplitSpatial, CBAMFactory],
}

WRONG = {
    "squeeze": [(squeeze_bare, "shape"), (squeeze_square, ""), (squeeze_no_keepdim, "keepdim"),
                (squeeze_max, ""), (squeeze_off_by_one, ""), (squeeze_width_only, "shape"), (squeeze_float, "dtype"),
                (squeeze_batch_mixed, ""), (squeeze_detached, "no gradient")],
    "excitation": [(ExcitationNoReLU, "no ReLU"), (ExcitationRatio, "reduction=16"), (ExcitationFloatHidden, "//"),
                   (ExcitationNoSigmoid, ""), (ExcitationSoftmax, ""), (ExcitationNoFloor, "max(1, channels // r"),
                   (ExcitationCeil, "hidden width"), (ExcitationRound, "hidden width"), (ExcitationSecondReLU, ""),
                   (ExcitationSigmoidInside, ""), (ExcitationLazy, "in __init__"),
                   (ExcitationParametersInForward, "inside forward")],
    "se_block": [(SEBlockBareSqueeze, ".squeeze()"), (SEBlockMax, "max pooling"), (SEBlockSum, "sum pooling"),
                 (SEBlockNoReLU, "no ReLU"), (SEBlockResidual, ""), (SEBlockAdded, ""), (SEBlockMixedSamples, ""),
                 (SEBlockGateOnly, ""), (SEBlockCeil, "hidden width")],
    "eca_kernel_size": [(eca_kernel_size_g, "gamma=2, b=1"), (eca_kernel_size_float, "return an int"),
                        (eca_kernel_size_no_abs, ""),
                        (eca_kernel_size_abs_numerator, ""), (_kernel_size_from(_eca_ceil), ""),
                        (_kernel_size_from(_eca_round), ""), (_kernel_size_from(_eca_round_down), ""),
                        (_kernel_size_from(_eca_at_least_3), "")],
    "eca_block": [(ECABlockIgnoresGammaB, "pass gamma and b on"), (ECABlockIgnoresKernelSize, "use it"),
                  (ECABlockTransposed, "(N, 1, C)"), (ECABlockPaddingOne, "padding"), (ECABlockG, "gamma=2"),
                  (ECABlockReflect, ""), (ECABlockCircular, ""), (ECABlockPadHalfK, "padding"),
                  (ECABlockNoSigmoid, ""), (ECABlockReLU, ""), (ECABlockMaxPool, ""), (ECABlockBias, "bias=False"),
                  (ECABlockRoundDown, ""), (ECABlockRound, ""), (ECABlockClamped, ""), (ECABlockAcrossSamples, "")],
    "channel_attention": [(ChannelAttentionNoReLU, "no ReLU"), (ChannelAttentionAddFirst, "mlp(avg + max)"),
                          (ChannelAttentionRatio, "reduction=16"), (ChannelAttentionBareSqueeze, ".squeeze()"),
                          (ChannelAttentionTwoMLPs, "one module"), (ChannelAttentionDetached, "detached"),
                          (ChannelAttentionSigmoidEach, ""), (ChannelAttentionProduct, ""),
                          (ChannelAttentionAvgOnly, ""), (ChannelAttentionMaxOnly, ""),
                          (ChannelAttentionSecondReLU, ""), (ChannelAttentionMaxOverChannels, ""),
                          (ChannelAttentionCeil, "hidden width")],
    "spatial_attention": [(SpatialAttentionMeanFirst, "wrong order"), (SpatialAttentionPadding3, "padding"),
                          (SpatialAttentionK, "kernel_size=7"), (SpatialAttentionMaxTuple, ".values"),
                          (SpatialAttentionWrongAxis, "dim=1"), (SpatialAttentionReflect, ""),
                          (SpatialAttentionReplicate, ""), (SpatialAttentionNoSigmoid, ""), (SpatialAttentionReLU, ""),
                          (SpatialAttentionSumMap, ""), (SpatialAttentionPaddingMinusOne, "padding"),
                          (SpatialAttentionSharedKernel, ""), (SpatialAttentionSplitOneMap, "")],
    "cbam": [(CBAMPositionalOnly, "reduction=16"), (CBAMNoReLU, "no ReLU"), (CBAMSpatialFirst, ""),
             (CBAMSideBySide, ""), (CBAMResidual, ""), (CBAMCeil, "hidden width"),
             (CBAMSpatialGateOfInput, "")],
}
