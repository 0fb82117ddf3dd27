"""Implementations a test cell must accept (correct alternatives) or reject (wrong ones), per exercise.

Each entry is source code that defines the exercise's name, run in the namespace of the
notebook's given cells (imports: torch, nn, F; the given squeeze or ChannelAttention).
Wrong entries carry a fragment the failure message must contain, when it names the mistake.
"""

CORRECT = {
    "squeeze": [
        "def squeeze(x):\n    return x.mean(dim=(2, 3), keepdim=True)",
        "def squeeze(x):\n    return nn.AdaptiveAvgPool2d(1)(x)",
        "def squeeze(x):\n    return F.avg_pool2d(x, kernel_size=x.shape[2:])",
        "def squeeze(x):\n    n, c, h, w = x.shape\n    return (x.sum(-1).sum(-1) / (h * w)).view(n, c, 1, 1)",
    ],
    "excitation": [
        """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(inplace=True),
                                nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""",
        """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.up = nn.Parameter(torch.randn(channels, h))     # registered first, used second
        self.down = nn.Parameter(torch.randn(h, channels))
    def forward(self, z):
        return torch.sigmoid(F.linear(F.relu(F.linear(z, self.down)), self.up))""",
        """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.conv1 = nn.Conv2d(channels, h, 1, bias=False)
        self.conv2 = nn.Conv2d(h, channels, 1, bias=False)
    def forward(self, z):
        n, c = z.shape
        return self.conv2(self.conv1(z.view(n, c, 1, 1)).relu()).sigmoid().view(n, c)""",
    ],
    "se_block": [
        """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(squeeze(x).view(n, c)).view(n, c, 1, 1)""",
        """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Conv2d(channels, h, 1, bias=False), nn.ReLU(),
                                nn.Conv2d(h, channels, 1, bias=False), nn.Sigmoid())
    def forward(self, x):
        return x * self.fc(self.pool(x))""",
        """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.b = nn.Linear(h, channels, bias=False)
        self.a = nn.Linear(channels, h, bias=False)
    def forward(self, x):
        w = torch.sigmoid(self.b(F.relu(self.a(x.mean((2, 3))))))
        return x * w[:, :, None, None]""",
    ],
    "eca_kernel_size": [
        """import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1""",
        """import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs(math.log(channels, 2) / gamma + b / gamma))
    return t + 1 - t % 2""",
        """import numpy as np
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(np.abs((np.log2(channels) + b) / gamma))
    return int(t | 1)""",
    ],
    "eca_block": [
        """class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        y = squeeze(x)                                        # (N, C, 1, 1)
        y = self.conv(y.squeeze(-1).transpose(-1, -2))        # (N, 1, C)
        return x * torch.sigmoid(y.transpose(-1, -2).unsqueeze(-1))""",
        """class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.kernel = nn.Parameter(torch.randn(k))
    def forward(self, x):
        n, c = x.shape[:2]
        k = self.kernel.numel()
        z = F.conv1d(x.mean((2, 3)).unsqueeze(1), self.kernel.view(1, 1, k), padding=k // 2)
        return x * z.sigmoid().view(n, c, 1, 1)""",
        """class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size if kernel_size is not None else eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv2d(1, 1, (1, k), padding=(0, (k - 1) // 2), bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        z = F.adaptive_avg_pool2d(x, 1).view(n, 1, 1, c)
        return x * torch.sigmoid(self.conv(z)).view(n, c, 1, 1)""",
    ],
    "channel_attention": [
        """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Conv2d(channels, h, 1, bias=False), nn.ReLU(), nn.Conv2d(h, channels, 1, bias=False))
        self.avg, self.max = nn.AdaptiveAvgPool2d(1), nn.AdaptiveMaxPool2d(1)
    def forward(self, x):
        return x * torch.sigmoid(self.mlp(self.avg(x)) + self.mlp(self.max(x)))""",
        """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.w1 = nn.Linear(channels, h, bias=False)
        self.w2 = nn.Linear(h, channels, bias=False)
    def forward(self, x):
        z = torch.stack([x.mean((2, 3)), x.amax((2, 3))])     # (2, N, C): one MLP call
        w = torch.sigmoid(self.w2(torch.relu(self.w1(z))).sum(0))
        return x * w[..., None, None]""",
        """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc2 = nn.Linear(h, channels, bias=False)
        self.fc1 = nn.Linear(channels, h, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        a = self.fc2(F.relu(self.fc1(F.adaptive_avg_pool2d(x, 1).flatten(1))))
        m = self.fc2(F.relu(self.fc1(F.adaptive_max_pool2d(x, 1).flatten(1))))
        return (a + m).sigmoid().reshape(n, c, 1, 1) * x""",
    ],
    "spatial_attention": [
        """class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        m, _ = torch.max(x, dim=1, keepdim=True)
        a = torch.mean(x, dim=1, keepdim=True)
        return x * torch.sigmoid(self.conv(torch.cat([m, a], dim=1)))""",
        """class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(1, 2, kernel_size, kernel_size))
    def forward(self, x):
        maps = torch.stack([x.amax(1), x.mean(1)], dim=1)
        return x * F.conv2d(maps, self.weight, padding=self.weight.shape[-1] // 2).sigmoid()""",
        """class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.gate = nn.Sequential(nn.Conv2d(2, 1, kernel_size, padding=(kernel_size - 1) // 2, bias=False), nn.Sigmoid())
    def forward(self, x):
        return self.gate(torch.cat((x.max(1, keepdim=True).values, x.sum(1, keepdim=True) / x.shape[1]), 1)) * x""",
    ],
    "cbam": [
        """class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.spatial(self.channel(x))""",
        """class CBAM(nn.Sequential):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__(ChannelAttention(channels, reduction), SpatialAttention(kernel_size))""",
        """class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.sa = SpatialAttention(kernel_size)   # registered first, used second
        self.ca = ChannelAttention(channels, reduction)
    def forward(self, x):
        y = self.ca(x)
        return self.sa(y)""",
    ],
}

# (source, fragment of the expected failure message or "")
WRONG = {
    "squeeze": [
        ("def squeeze(x):\n    return x.amax(dim=(2, 3), keepdim=True)", "max pooling"),
        ("def squeeze(x):\n    return x.sum(dim=(2, 3), keepdim=True)", "summed"),
        ("def squeeze(x):\n    return x.mean(dim=(2, 3))", "keepdim"),
        ("def squeeze(x):\n    return x.mean(dim=(0, 2, 3), keepdim=True).expand(x.shape[0], -1, 1, 1)", "batch"),
        ("def squeeze(x):\n    return x.float().mean(dim=(2, 3), keepdim=True)", "dtype"),
        ("def squeeze(x):\n    return x.mean(dim=(2, 3), keepdim=True).detach()", "gradient"),
        ("def squeeze(x):\n    return (x.sum((2, 3), keepdim=True) / x.shape[2])", "count"),
        ("def squeeze(x):\n    n, c = x.shape[:2]\n    return x.mean((2, 3)).view(n, c, 1, 1) + torch.zeros(n, c, 1, 1)", "dtype"),
    ],
    "excitation": [
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, z):
        return self.fc(z)""", "sigmoid"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h), nn.ReLU(), nn.Linear(h, channels), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""", "bias"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = channels // reduction
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""", ""),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""", "ReLU"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, z):
        return torch.softmax(self.fc(z), dim=1)""", "softmax"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z.mean(0, keepdim=True)).expand_as(z)""", "batch"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(),
                                nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""", "BatchNorm"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z.float())""", "float64"),
    ],
    "se_block": [
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return self.excitation(squeeze(x).view(n, c)).view(n, c, 1, 1)""", "gate"),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(x.amax((2, 3))).view(n, c, 1, 1)""", "max pooling"),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x + self.excitation(squeeze(x).view(n, c)).view(n, c, 1, 1)""", "added"),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(squeeze(x).view(n, c)).detach().view(n, c, 1, 1)""", "detached"),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(squeeze(x).view(1, n * c)[:, :c].expand(n, c)).view(n, c, 1, 1)""", ""),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(squeeze(x).view(n, c)).view(c, n, 1, 1).transpose(0, 1)""", ""),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        w = self.excitation(squeeze(x).view(n, c))
        return x * w.view(n, c, 1, 1).to(torch.device("cpu"))""", "device"),
    ],
    "eca_kernel_size": [
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    return int(abs((math.log2(channels) + b) / gamma))""", "odd"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log2(channels) + b) / gamma))
    return max(3, t if t % 2 else t + 1)""", "clamp"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log(channels) + b) / gamma))
    return t if t % 2 else t + 1""", "log2"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = round(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1""", "round"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t - 1""", "rounded down"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = abs((math.log2(channels) + b) / gamma)
    return t if int(t) % 2 else int(t) + 1""", "int"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs(math.log2(channels) / gamma))
    return t if t % 2 else t + 1""", "expected"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int((math.log2(channels) + b) / gamma)
    return t if t % 2 else t + 1""", "absolute"),
    ],
    "eca_block": [
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.conv(x.mean((2, 3)).view(n, 1, c)).view(n, c, 1, 1)""", "sigmoid"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(1, 1, n * c))).view(n, c, 1, 1)""", "flattened batch"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, c))).view(n, c, 1, 1)""", "bias"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.conv = nn.Conv1d(1, 1, 3, padding=1, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, c))).view(n, c, 1, 1)""", "kernel"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.amax((2, 3)).view(n, 1, c))).view(n, c, 1, 1)""", "max pooling"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, c))).view(n, c, 1, 1)""", "kernel"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        z = torch.zeros(n, 1, c)
        z[:, 0] = x.mean((2, 3))
        return x * torch.sigmoid(self.conv(z)).view(n, c, 1, 1)""", "float64"),
    ],
    "channel_attention": [
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        return x * torch.sigmoid(self.mlp(x.mean((2, 3))))[..., None, None]""", "only the average"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        return x * (torch.sigmoid(self.mlp(x.mean((2, 3)))) + torch.sigmoid(self.mlp(x.amax((2, 3)))))[..., None, None]""", "each path"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        mlp = lambda: nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
        self.avg_mlp, self.max_mlp = mlp(), mlp()
    def forward(self, x):
        return x * torch.sigmoid(self.avg_mlp(x.mean((2, 3))) + self.max_mlp(x.amax((2, 3))))[..., None, None]""", "shared"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h), nn.ReLU(), nn.Linear(h, channels))
    def forward(self, x):
        return x * torch.sigmoid(self.mlp(x.mean((2, 3))) + self.mlp(x.amax((2, 3))))[..., None, None]""", "bias"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        return x * torch.sigmoid(self.mlp(x.mean((2, 3)) + x.amax((2, 3))))[..., None, None]""", "before the MLP"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        return x * (self.mlp(x.mean((2, 3))) + self.mlp(x.amax((2, 3))))[..., None, None]""", "sigmoid"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        with torch.no_grad():
            w = torch.sigmoid(self.mlp(x.mean((2, 3))) + self.mlp(x.amax((2, 3))))
        return x * w[..., None, None]""", "detached"),
    ],
    "spatial_attention": [
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)))""", "order"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return x * self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1))""", "sigmoid"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)))""", "bias"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
        self.bn = nn.BatchNorm2d(1)
    def forward(self, x):
        return x * torch.sigmoid(self.bn(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1))))""", "BatchNorm"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, 7, padding=3, bias=False)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)))""", "3x3"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.sum(1, keepdim=True)], 1)))""", "sum"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)))""", "gate"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        maps = torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)
        return x * torch.sigmoid(self.conv(maps.amax(0, keepdim=True)))""", ""),
    ],
    "cbam": [
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.channel(self.spatial(x))""", "wrong order"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.channel(x) * self.spatial(x) / x""", ""),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return x + self.spatial(self.channel(x))""", "residual"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(7)
    def forward(self, x):
        return self.spatial(self.channel(x))""", "3x3"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.channel(x)""", "only the channel"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
        self.spatial2 = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.spatial2(self.spatial(self.channel(x)))""", "expected"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.spatial(self.channel(x).detach())""", "gradient"),
    ],
}


# Realistic single mistakes, each made on a plain correct solution (BASE): the visible checks of the
# notebook (the part of the test cell above the hidden tests) must fail with a message naming it.
BASE = {
    "squeeze": "def squeeze(x):\n    return x.mean(dim=(2, 3), keepdim=True)\n",
    "excitation": """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.w1 = nn.Linear(channels, hidden, bias=False)
        self.w2 = nn.Linear(hidden, channels, bias=False)

    def forward(self, z):
        return torch.sigmoid(self.w2(torch.relu(self.w1(z))))
""",
    "se_block": """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)

    def forward(self, x):
        n, c = x.shape[:2]
        weights = self.excitation(squeeze(x).reshape(n, c))
        return x * weights.reshape(n, c, 1, 1)
""",
    "se_block_own_mlp": """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.w1 = nn.Linear(channels, hidden, bias=False)
        self.w2 = nn.Linear(hidden, channels, bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        weights = torch.sigmoid(self.w2(torch.relu(self.w1(squeeze(x).reshape(n, c)))))
        return x * weights.reshape(n, c, 1, 1)
""",
    "eca_kernel_size": """import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1
""",
    "eca_block": """class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size if kernel_size is not None else eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, kernel_size=k, padding=(k - 1) // 2, bias=False)

    def forward(self, x):
        n, c = x.shape[:2]
        z = squeeze(x).reshape(n, 1, c)
        weights = torch.sigmoid(self.conv(z))
        return x * weights.reshape(n, c, 1, 1)
""",
    "channel_attention": """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, hidden, bias=False), nn.ReLU(),
                                 nn.Linear(hidden, channels, bias=False))

    def forward(self, x):
        n, c = x.shape[:2]
        logits = self.mlp(x.mean(dim=(2, 3))) + self.mlp(x.amax(dim=(2, 3)))
        return x * torch.sigmoid(logits).reshape(n, c, 1, 1)
""",
    "spatial_attention": """class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        maps = torch.cat([x.amax(dim=1, keepdim=True), x.mean(dim=1, keepdim=True)], dim=1)
        return x * torch.sigmoid(self.conv(maps))
""",
    "cbam": """class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)

    def forward(self, x):
        return self.spatial(self.channel(x))
""",
}

_DETACH = "do not detach"
_ON_CPU = "device=x.device"

# exercise id -> [(base, [(old, new), ...], fragment of the visible message)]; base defaults to the exercise id
SLIPS = {
    "squeeze": [
        ("squeeze", [(".mean(", ".amax(")], "max pooling"),
        ("squeeze", [(".mean(dim=(2, 3), keepdim=True)", ".sum(dim=(2, 3), keepdim=True)")], "summed"),
        ("squeeze", [(", keepdim=True", "")], "keepdim"),
        ("squeeze", [("dim=(2, 3)", "dim=(0, 2, 3)")], "batch was averaged"),
        ("squeeze", [("dim=(2, 3)", "dim=(1, 2)")], "wrong axis"),
        ("squeeze", [("keepdim=True)", "keepdim=True).mean(0, keepdim=True).expand(x.shape[0], -1, 1, 1)")],
         "samples mixed"),
        ("squeeze", [(".mean(dim=(2, 3), keepdim=True)", ".sum(dim=(2, 3), keepdim=True) / x.shape[2]")], "divided by H"),
        ("squeeze", [("x.mean(", "x.float().mean(")], "keep the input's dtype"),
        ("squeeze", [("keepdim=True)", "keepdim=True).detach()")], _DETACH),
        ("squeeze", [("keepdim=True)", "keepdim=True) + torch.zeros(x.shape[0], x.shape[1], 1, 1, dtype=x.dtype)")],
         _ON_CPU),
    ],
    "excitation": [
        ("excitation", [("self.w2(torch.relu(self.w1(z)))", "self.w2(self.w1(z))")], "no ReLU"),
        ("excitation", [("torch.sigmoid(self.w2(torch.relu(self.w1(z))))", "self.w2(torch.relu(self.w1(z)))")],
         "sigmoid last"),
        ("excitation", [("torch.sigmoid(self.w2(torch.relu(self.w1(z))))",
                         "torch.relu(self.w2(torch.sigmoid(self.w1(z))))")], "swapped with the ReLU"),
        ("excitation", [("torch.sigmoid(self.w2(torch.relu(self.w1(z))))",
                         "torch.softmax(self.w2(torch.relu(self.w1(z))), dim=1)")], "softmax"),
        ("excitation", [("torch.sigmoid(", "torch.tanh(")], "tanh"),
        ("excitation", [("bias=False", "bias=True")], "no biases"),
        ("excitation", [("channels // reduction", "channels / reduction")], "with //, not /"),
        ("excitation", [("max(1, channels // reduction)", "channels // reduction")], "max(1, 5 // 16)"),
        ("excitation", [("channels // reduction", "channels // 16")], "use the reduction argument"),
        ("excitation", [("return torch.sigmoid(self.w2(torch.relu(self.w1(z))))",
                         "return torch.sigmoid(self.w2(torch.relu(self.w1(z.mean(0, keepdim=True))))).expand_as(z)")],
         "samples mixed"),
        ("excitation", [("self.w2 = nn.Linear", "self.norm = nn.BatchNorm1d(hidden)\n        self.w2 = nn.Linear"),
                        ("torch.relu(self.w1(z))", "torch.relu(self.norm(self.w1(z)))")], "BatchNorm"),
        ("excitation", [("self.w1(z)", "self.w1(z.float())")], "keep the input's dtype"),
        ("excitation", [("torch.relu(self.w1(z))", "torch.relu(self.w1(z)) + torch.zeros(self.w1.out_features)")],
         "device=z.device"),
        ("excitation", [("return torch.sigmoid(self.w2(torch.relu(self.w1(z))))",
                         "return torch.sigmoid(self.w2(torch.relu(self.w1(z.detach()).detach())))")], _DETACH),
    ],
    "se_block": [
        ("se_block", [("squeeze(x).reshape(n, c)", "x.amax(dim=(2, 3))")], "max pooling"),
        ("se_block", [("squeeze(x).reshape(n, c)", "x.sum(dim=(2, 3))")], "summed"),
        ("se_block", [("squeeze(x).reshape(n, c)", "squeeze(x).squeeze()")], "bare .squeeze()"),
        ("se_block", [("squeeze(x).reshape(n, c)", "x.mean(dim=(0, 2, 3)).expand(n, c)")], "averaged over the batch"),
        ("se_block", [("x * weights", "x + weights")], "added"),
        ("se_block", [("return x * weights.reshape(n, c, 1, 1)", "return weights.reshape(n, c, 1, 1)")], "multiply x"),
        ("se_block", [("return x * weights.reshape(n, c, 1, 1)", "return x")], "unchanged"),
        ("se_block", [("Excitation(channels, reduction)", "Excitation(channels)")], "pass reduction on"),
        ("se_block", [("weights.reshape(n, c, 1, 1)", "weights.detach().reshape(n, c, 1, 1)")], _DETACH),
        ("se_block", [("weights.reshape(n, c, 1, 1)", "weights.reshape(n, c, 1, 1) * torch.ones(1, c, 1, 1)")],
         _ON_CPU),
        ("se_block_own_mlp", [("self.w2(torch.relu(self.w1(", "self.w2((self.w1(")], "no ReLU"),
        ("se_block_own_mlp", [("torch.sigmoid(self.w2(", "(self.w2(")], "no sigmoid"),
        ("se_block_own_mlp", [("torch.sigmoid(self.w2(torch.relu(self.w1(squeeze(x).reshape(n, c)))))",
                               "torch.softmax(self.w2(torch.relu(self.w1(squeeze(x).reshape(n, c)))), dim=1)")],
         "softmax"),
        ("se_block_own_mlp", [("bias=False", "bias=True")], "no biases"),
        ("se_block_own_mlp", [("channels // reduction", "channels / reduction")], "with //, not /"),
    ],
    "eca_kernel_size": [
        ("eca_kernel_size", [("return t if t % 2 else t + 1", "return t")], "even"),
        ("eca_kernel_size", [("t + 1", "t - 1")], "not t - 1"),
        ("eca_kernel_size", [("return t if t % 2 else t + 1", "return max(3, t if t % 2 else t + 1)")], "no lower clamp"),
        ("eca_kernel_size", [("math.log2(channels)", "math.log(channels)")], "log2"),
        ("eca_kernel_size", [("(math.log2(channels) + b) / gamma", "math.log2(channels) / gamma")], "add b"),
        ("eca_kernel_size", [("int(abs(", "round(abs(")], "rounded"),
        ("eca_kernel_size", [("int(abs(", "math.ceil(abs(")], "rounded up"),
        ("eca_kernel_size", [("int(abs((math.log2(channels) + b) / gamma))", "int((math.log2(channels) + b) / gamma)")],
         "absolute value"),
        ("eca_kernel_size", [("/ gamma", "/ 2")], "use gamma"),
        ("eca_kernel_size", [("return t if t % 2 else t + 1", "return float(t if t % 2 else t + 1)")], "return an int"),
    ],
    "eca_block": [
        ("eca_block", [("self.conv(z)", "self.conv(z.float())")], "keep the input's dtype"),
        ("eca_block", [("eca_kernel_size(channels, gamma, b)", "eca_kernel_size(channels)")], "pass gamma and b"),
        ("eca_block", [("kernel_size if kernel_size is not None else eca_kernel_size(channels, gamma, b)",
                        "eca_kernel_size(channels, gamma, b)")], "use kernel_size"),
        ("eca_block", [("kernel_size if kernel_size is not None else eca_kernel_size(channels, gamma, b)", "3")],
         "eca_kernel_size(128)"),
        ("eca_block", [("bias=False", "bias=True")], "bias-free"),
        ("eca_block", [("reshape(n, 1, c)", "reshape(n, c, 1)")], "(N, 1, C)"),
        ("eca_block", [("padding=(k - 1) // 2", "padding=1")], "zero padding (k - 1) // 2"),
        ("eca_block", [("padding=(k - 1) // 2", "padding=0")], "zero padding (k - 1) // 2"),
        ("eca_block", [("padding=(k - 1) // 2", "padding=k - 1")], "zero padding (k - 1) // 2"),
        ("eca_block", [("squeeze(x).reshape(n, 1, c)", "x.amax(dim=(2, 3)).reshape(n, 1, c)")], "max pooling"),
        ("eca_block", [("squeeze(x).reshape(n, 1, c)", "x.sum(dim=(2, 3)).reshape(n, 1, c)")], "summed"),
        ("eca_block", [("z = squeeze(x).reshape(n, 1, c)", "z = squeeze(x).reshape(1, 1, n * c)")], "flattened batch"),
        ("eca_block", [("torch.sigmoid(self.conv(z))", "self.conv(z)")], "no sigmoid"),
        ("eca_block", [("torch.sigmoid(self.conv(z))", "torch.softmax(self.conv(z), dim=-1)")], "softmax"),
        ("eca_block", [("x * weights", "x + weights")], "added"),
        ("eca_block", [("return x * weights.reshape(n, c, 1, 1)", "return x")], "unchanged"),
        ("eca_block", [("z = squeeze(x).reshape(n, 1, c)",
                        "z = torch.zeros(n, 1, c, dtype=x.dtype)\n        z[:, 0] = squeeze(x).reshape(n, c)")], _ON_CPU),
        ("eca_block", [("weights.reshape(n, c, 1, 1)", "weights.detach().reshape(n, c, 1, 1)")], _DETACH),
    ],
    "channel_attention": [
        ("channel_attention", [("x.mean(dim=(2, 3))", "x.float().mean(dim=(2, 3))"),
                               ("x.amax(dim=(2, 3))", "x.float().amax(dim=(2, 3))")], "keep the input's dtype"),
        ("channel_attention", [("nn.ReLU(),\n                                 ", "")], "no ReLU"),
        ("channel_attention", [("self.mlp(x.mean(dim=(2, 3))) + self.mlp(x.amax(dim=(2, 3)))",
                                "self.mlp(x.mean(dim=(2, 3)) + x.amax(dim=(2, 3)))")], "before the MLP"),
        ("channel_attention", [(" + self.mlp(x.amax(dim=(2, 3)))", "")], "only the average"),
        ("channel_attention", [("self.mlp(x.mean(dim=(2, 3))) + ", "")], "only the max"),
        ("channel_attention", [("logits = self.mlp(x.mean(dim=(2, 3))) + self.mlp(x.amax(dim=(2, 3)))",
                                "logits = torch.sigmoid(self.mlp(x.mean(dim=(2, 3)))) + torch.sigmoid(self.mlp(x.amax(dim=(2, 3))))"),
                               ("torch.sigmoid(logits)", "logits")], "a sigmoid on each path"),
        ("channel_attention", [("logits = self.mlp(x.mean(dim=(2, 3))) + self.mlp(x.amax(dim=(2, 3)))",
                                "logits = (self.mlp(x.mean(dim=(2, 3))) + self.mlp(x.amax(dim=(2, 3)))) / 2")], "averaged"),
        ("channel_attention", [("        self.mlp = nn.Sequential(", "        self.mlp2 = nn.Sequential(nn.Linear(channels, hidden, bias=False), nn.ReLU(), nn.Linear(hidden, channels, bias=False))\n        self.mlp = nn.Sequential("),
                               ("self.mlp(x.amax", "self.mlp2(x.amax")], "ONE shared MLP"),
        ("channel_attention", [("bias=False", "bias=True")], "no biases"),
        ("channel_attention", [("channels // reduction", "channels / reduction")], "with //, not /"),
        ("channel_attention", [("channels // reduction", "channels // 16")], "use the reduction argument"),
        ("channel_attention", [("torch.sigmoid(logits)", "logits")], "no sigmoid"),
        ("channel_attention", [("x.mean(dim=(2, 3))", "x.mean(dim=(0, 2, 3)).expand(n, c)"),
                               ("x.amax(dim=(2, 3))", "x.amax(dim=(0, 2, 3)).expand(n, c)")], "samples mixed"),
        ("channel_attention", [("x.mean(dim=(2, 3))", "x.mean(dim=(1, 2))"), ("x.amax(dim=(2, 3))", "x.amax(dim=(1, 2))")],
         "pool each channel over H and W"),
        ("channel_attention", [("return x * torch", "return x + torch")], "added"),
        ("channel_attention", [("return x * torch.sigmoid(logits).reshape(n, c, 1, 1)", "return x")], "unchanged"),
        ("channel_attention", [("self.mlp(x.mean(dim=(2, 3)))", "self.mlp(x.sum(dim=(2, 3)))")], "summed"),
        ("channel_attention", [("torch.sigmoid(logits)", "torch.sigmoid(logits).detach()")], _DETACH),
        ("channel_attention", [("torch.sigmoid(logits)", "torch.sigmoid(logits + torch.zeros(c))")], _ON_CPU),
    ],
    "spatial_attention": [
        ("spatial_attention", [("self.conv(maps)", "self.conv(maps.float())")], "keep the input's dtype"),
        ("spatial_attention", [("[x.amax(dim=1, keepdim=True), x.mean(dim=1, keepdim=True)]",
                                "[x.mean(dim=1, keepdim=True), x.amax(dim=1, keepdim=True)]")], "the max map first"),
        ("spatial_attention", [("x.amax(dim=1, keepdim=True)", "x.mean(dim=1, keepdim=True)")], "the max map first"),
        ("spatial_attention", [("x.mean(dim=1, keepdim=True)", "x.amax(dim=1, keepdim=True)")], "max over channels too"),
        ("spatial_attention", [("x.mean(dim=1, keepdim=True)", "x.sum(dim=1, keepdim=True)")], "sum over channels"),
        ("spatial_attention", [("x.amax(dim=1, keepdim=True)", "x.max(dim=1, keepdim=True)")], ".values"),
        ("spatial_attention", [("x.amax(dim=1, keepdim=True)", "x.amax(dim=2, keepdim=True)")], "dim=1, keepdim=True"),
        ("spatial_attention", [("x.mean(dim=1, keepdim=True)", "x.mean(dim=0, keepdim=True)")], "dim=1, keepdim=True"),
        ("spatial_attention", [("x.amax(dim=1, keepdim=True)", "x.amax(dim=(0, 1), keepdim=True).expand_as(x[:, :1])")],
         "samples mixed"),
        ("spatial_attention", [("x.amax(dim=1, keepdim=True)", "x.amax(dim=(0, 1), keepdim=True).expand_as(x[:, :1])"),
                               ("x.mean(dim=1, keepdim=True)", "x.mean(dim=(0, 1), keepdim=True).expand_as(x[:, :1])")],
         "samples mixed"),
        ("spatial_attention", [("keepdim=True)], dim=1)", "keepdim=True)])")], "along dim 1"),
        ("spatial_attention", [("padding=kernel_size // 2", "padding=3")], "pad the convolution by"),
        ("spatial_attention", [("padding=kernel_size // 2", "padding=0")], "pad the convolution by"),
        ("spatial_attention", [("padding=kernel_size // 2", "padding=kernel_size - 1")], "pad the convolution by"),
        ("spatial_attention", [("nn.Conv2d(2, 1, kernel_size,", "nn.Conv2d(2, 1, 7,")], "kernel_size argument"),
        ("spatial_attention", [("bias=False", "bias=True")], "bias-free"),
        ("spatial_attention", [("bias=False)", "bias=False)\n        self.norm = nn.BatchNorm2d(1)"),
                               ("self.conv(maps)", "self.norm(self.conv(maps))")], "BatchNorm"),
        ("spatial_attention", [("torch.sigmoid(self.conv(maps))", "self.conv(maps)")], "no sigmoid"),
        ("spatial_attention", [("return x * ", "return x + ")], "added"),
        ("spatial_attention", [("return x * torch.sigmoid(self.conv(maps))", "return x")], "unchanged"),
        ("spatial_attention", [("return x * torch", "return torch")], "multiply x"),
        ("spatial_attention", [("dim=1)\n", "dim=1) + torch.zeros(1)\n")], _ON_CPU),
        ("spatial_attention", [("torch.sigmoid(self.conv(maps))", "torch.sigmoid(self.conv(maps)).detach()")], _DETACH),
    ],
    "cbam": [
        ("cbam", [("self.spatial(self.channel(x))", "self.channel(self.spatial(x))")], "the spatial stage saw x"),
        ("cbam", [("self.spatial(self.channel(x))", "self.channel(x) * self.spatial(x) / x")], "not side by side"),
        ("cbam", [("self.spatial(self.channel(x))", "self.channel(x)")], "only the channel stage"),
        ("cbam", [("self.spatial(self.channel(x))", "self.spatial(x)")], "only the spatial stage"),
        ("cbam", [("return self.spatial(self.channel(x))", "return x + self.spatial(self.channel(x))")], "residual"),
        ("cbam", [("SpatialAttention(kernel_size)", "SpatialAttention()")], "pass kernel_size"),
        ("cbam", [("ChannelAttention(channels, reduction)", "ChannelAttention(channels)")], "pass reduction"),
        ("cbam", [("reduction=16", "ratio=16"), ("(channels, reduction)", "(channels, ratio)")], "argument names"),
        ("cbam", [("self.spatial(self.channel(x))", "self.spatial(self.channel(x).detach())")], "do not detach"),
        ("cbam", [("        self.spatial = SpatialAttention(kernel_size)\n",
                   "        self.spatial = SpatialAttention(kernel_size)\n        self.again = SpatialAttention(kernel_size)\n"),
                  ("self.spatial(self.channel(x))", "self.again(self.spatial(self.channel(x)))")], "226"),
        ("cbam", [("return self.spatial(self.channel(x))", "return x")], "unchanged"),
    ],
}


def slip(base: str, edits: list) -> str:
    """BASE[base] with each (old, new) replaced; every old must occur in it."""
    code = BASE[base]
    for old, new in edits:
        assert old in code, f"{base}: {old!r} not in the base solution"
        code = code.replace(old, new)
    assert code != BASE[base]
    return code


def named_slip(exercise_id: str, fragment: str) -> str:
    """The code of the first catalogued slip of the exercise whose visible message names ``fragment``."""
    base, edits, _ = next(entry for entry in SLIPS[exercise_id] if entry[2] == fragment)
    return slip(base, edits)


# Correct parameterisations the visible checks and the experiment cells must accept, beyond CORRECT:
# weights stored as (in, out) and applied as z @ W, einsum, 1x1 convolutions, any attribute names.
VISIBLE_CORRECT = {
    "squeeze": ["def squeeze(x):\n    return x.flatten(2).mean(-1)[..., None, None]"],
    "excitation": [
        """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.down = nn.Parameter(torch.randn(channels, h) * 0.1)   # (in, out)
        self.up = nn.Parameter(torch.randn(h, channels) * 0.1)
    def forward(self, z):
        return torch.sigmoid(torch.relu(z @ self.down) @ self.up)""",
        """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.a = nn.Parameter(torch.randn(h, channels))
        self.b = nn.Parameter(torch.randn(channels, h))
    def forward(self, z):
        return torch.einsum("ch,nh->nc", self.b, torch.einsum("hc,nc->nh", self.a, z).clamp(min=0)).sigmoid()""",
    ],
    "se_block": [
        """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.first = nn.Parameter(torch.randn(channels, h) * 0.1)   # (in, out)
        self.second = nn.Parameter(torch.randn(h, channels) * 0.1)
    def forward(self, x):
        z = squeeze(x).flatten(1)
        return x * torch.sigmoid(F.relu(z @ self.first) @ self.second)[:, :, None, None]""",
    ],
    "eca_kernel_size": [],
    "eca_block": [
        """class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.k = kernel_size or eca_kernel_size(channels, gamma=gamma, b=b)
        self.w = nn.Parameter(torch.randn(1, 1, self.k))
    def forward(self, x):
        z = squeeze(x).flatten(1).unsqueeze(1)                     # (N, 1, C)
        g = torch.sigmoid(F.conv1d(z, self.w, padding=self.k // 2))
        return x * g.transpose(1, 2).unsqueeze(-1)""",
    ],
    "channel_attention": [
        """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.w_in = nn.Parameter(torch.randn(channels, h) * 0.1)    # (in, out), applied as z @ W
        self.w_out = nn.Parameter(torch.randn(h, channels) * 0.1)
    def forward(self, x):
        def mlp(z):
            return torch.relu(z @ self.w_in) @ self.w_out
        return x * torch.sigmoid(mlp(x.mean((2, 3))) + mlp(x.amax((2, 3))))[:, :, None, None]""",
    ],
    "spatial_attention": [
        """class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.k = nn.Conv2d(2, 1, kernel_size=(kernel_size, kernel_size), padding=kernel_size // 2, bias=False)
    def forward(self, x):
        both = torch.cat([torch.max(x, 1, True)[0], torch.mean(x, 1, True)], 1)
        return torch.sigmoid(self.k(both)).mul(x)""",
    ],
    "cbam": [
        """class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.stages = nn.ModuleList([ChannelAttention(channels, reduction=reduction), SpatialAttention(kernel_size)])
    def forward(self, x):
        for stage in self.stages:
            x = stage(x)
        return x""",
    ],
}
