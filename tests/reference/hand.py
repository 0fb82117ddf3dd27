"""The exercise API's equations written out in plain Python loops over nested lists, independent of torch.

Feature maps are nested lists indexed [n][c][h][w]; descriptors [n][c]; weights plain lists.
"""
import math


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def relu(v):
    return v if v > 0 else 0.0


def channel_means(x):
    """[n][c] mean of each channel over H and W."""
    out = []
    for sample in x:
        row = []
        for plane in sample:
            total, count = 0.0, 0
            for line in plane:
                for v in line:
                    total += v
                    count += 1
            row.append(total / count)
        out.append(row)
    return out


def channel_maxes(x):
    """[n][c] max of each channel over H and W."""
    return [[max(max(line) for line in plane) for plane in sample] for sample in x]


def matvec(w, v):
    return [sum(w[i][j] * v[j] for j in range(len(v))) for i in range(len(w))]


def mlp(w1, w2, z):
    """W2 relu(W1 z) for one descriptor z."""
    return matvec(w2, [relu(h) for h in matvec(w1, z)])


def conv1d_zero_padded(seq, kernel):
    """Cross-correlation of one sequence, zero padding (k - 1) // 2 at both ends, same length out."""
    pad = (len(kernel) - 1) // 2
    out = []
    for i in range(len(seq)):
        total = 0.0
        for j, w in enumerate(kernel):
            src = i + j - pad
            if 0 <= src < len(seq):
                total += w * seq[src]
        out.append(total)
    return out


def conv2d_zero_padded(maps, kernels):
    """Cross-correlation of several (H, W) maps with one (k, k) kernel each, summed; zero padding k // 2."""
    height, width = len(maps[0]), len(maps[0][0])
    k = len(kernels[0])
    pad = k // 2
    out = [[0.0] * width for _ in range(height)]
    for plane, kernel in zip(maps, kernels):
        for i in range(height):
            for j in range(width):
                for a in range(k):
                    for b in range(k):
                        r, c = i + a - pad, j + b - pad
                        if 0 <= r < height and 0 <= c < width:
                            out[i][j] += kernel[a][b] * plane[r][c]
    return out


def rescale_channels(x, gates):
    """y[n][c][h][w] = gates[n][c] * x[n][c][h][w]."""
    return [[[[g * v for v in line] for line in plane] for plane, g in zip(sample, row)]
            for sample, row in zip(x, gates)]


def se_gates(z, w1, w2):
    return [[sigmoid(v) for v in mlp(w1, w2, row)] for row in z]


def se_block(x, w1, w2):
    return rescale_channels(x, se_gates(channel_means(x), w1, w2))


def eca_block(x, kernel):
    gates = [[sigmoid(v) for v in conv1d_zero_padded(row, kernel)] for row in channel_means(x)]
    return rescale_channels(x, gates)


def channel_attention(x, w1, w2):
    gates = []
    for avg, mx in zip(channel_means(x), channel_maxes(x)):
        logits = [a + m for a, m in zip(mlp(w1, w2, avg), mlp(w1, w2, mx))]  # summed before the sigmoid
        gates.append([sigmoid(v) for v in logits])
    return rescale_channels(x, gates)


def spatial_maps(sample):
    """[max over C, mean over C] of one (C, H, W) sample, each (H, W)."""
    height, width = len(sample[0]), len(sample[0][0])
    max_map = [[max(plane[i][j] for plane in sample) for j in range(width)] for i in range(height)]
    mean_map = [[sum(plane[i][j] for plane in sample) / len(sample) for j in range(width)] for i in range(height)]
    return max_map, mean_map


def spatial_attention(x, kernels, order=("max", "mean")):
    """kernels: [2][k][k], kernel 0 applied to the map named order[0]."""
    out = []
    for sample in x:
        max_map, mean_map = spatial_maps(sample)
        named = {"max": max_map, "mean": mean_map}
        logits = conv2d_zero_padded([named[o] for o in order], kernels)
        gate = [[sigmoid(v) for v in line] for line in logits]
        out.append([[[gate[i][j] * v for j, v in enumerate(line)] for i, line in enumerate(plane)] for plane in sample])
    return out


def cbam(x, w1, w2, kernels):
    return spatial_attention(channel_attention(x, w1, w2), kernels)
