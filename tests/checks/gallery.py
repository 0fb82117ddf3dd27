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


# ---- eca_kernel_size ----------------------------------------------------------------------------

def eca_kernel_size_bits(channels, gamma=2, b=1):
    t = int(abs((math.log(channels, 2) + b) / gamma))
    return t + 1 - t % 2


def eca_kernel_size_g(channels, g=2, beta=1):
    return _eca_k(channels, g, beta)


CORRECT = {
    "squeeze": [squeeze_mean, squeeze_flatten],
    "excitation": [ExcitationInOut, ExcitationEinsum, ExcitationFlat, ExcitationConv1d, ExcitationOneFlat,
                   ExcitationOneStacked],
    "se_block": [SEBlockInOut, SEBlockConv, SEBlockSubmodule],
    "eca_kernel_size": [eca_kernel_size_bits],
    "eca_block": [ECABlockRawKernel, ECABlockUnfold, ECABlockTrueConvolution],
    "channel_attention": [ChannelAttentionStacked, ChannelAttentionConv, ChannelAttentionOneParameter],
    "spatial_attention": [SpatialAttentionChannelLast, SpatialAttentionRaw, SpatialAttentionTrueConvolution],
    "cbam": [CBAMFlat, CBAMComposed, CBAMOneMLPParameter],
}

WRONG = {
    "squeeze": [(squeeze_bare, "shape"), (squeeze_square, "")],
    "excitation": [(ExcitationNoReLU, "no ReLU"), (ExcitationRatio, "reduction=16"), (ExcitationFloatHidden, "//")],
    "se_block": [(SEBlockBareSqueeze, ".squeeze()"), (SEBlockMax, "max pooling"), (SEBlockSum, "sum pooling"),
                 (SEBlockNoReLU, "no ReLU")],
    "eca_kernel_size": [(eca_kernel_size_g, "gamma=2, b=1")],
    "eca_block": [(ECABlockIgnoresGammaB, "pass gamma and b on"), (ECABlockIgnoresKernelSize, "use it"),
                  (ECABlockTransposed, "(N, 1, C)"), (ECABlockPaddingOne, "padding"), (ECABlockG, "gamma=2")],
    "channel_attention": [(ChannelAttentionNoReLU, "no ReLU"), (ChannelAttentionAddFirst, "mlp(avg + max)"),
                          (ChannelAttentionRatio, "reduction=16"), (ChannelAttentionBareSqueeze, ".squeeze()"),
                          (ChannelAttentionTwoMLPs, "one module"), (ChannelAttentionDetached, "detached")],
    "spatial_attention": [(SpatialAttentionMeanFirst, "wrong order"), (SpatialAttentionPadding3, "padding"),
                          (SpatialAttentionK, "kernel_size=7"), (SpatialAttentionMaxTuple, ".values"),
                          (SpatialAttentionWrongAxis, "dim=1")],
    "cbam": [(CBAMPositionalOnly, "reduction=16"), (CBAMNoReLU, "no ReLU")],
}
