"""Code a demo student appends to a solved notebook: typical mistakes and cheating attempts (one per exercise)."""

WRONG = {  # exercise id -> a plausible wrong implementation
    "squeeze": "def squeeze(x):\n    return x.amax(dim=(2, 3), keepdim=True)  # max instead of mean pooling\n",
    "eca_kernel_size": ("import math\n\ndef eca_kernel_size(channels, gamma=2, b=1):\n"
                        "    return int(abs((math.log2(channels) + b) / gamma))  # not rounded up to odd\n"),
    "cbam": ("class CBAM(CBAM):\n    def forward(self, x):\n"
             "        return super().forward(x).flip(0)  # mixes the samples of the batch\n"),
}

CHEATS = {  # exercise id -> a wrong implementation hidden behind a trick that fools in-kernel tests
    "squeeze": ("import torch\ntorch.allclose = lambda *args, **kwargs: True\n"
                "torch.testing.assert_close = lambda *args, **kwargs: None\n"
                "def squeeze(x):\n    return x[:, :, :1, :1]\n"),
    "eca_kernel_size": ("def eca_kernel_size(channels, gamma=2, b=1):\n    return 3\n"
                        "get_ipython().set_custom_exc((Exception,), lambda *args, **kwargs: None)\n"),
    "se_block": ("import torch\nfrom torch.overrides import TorchFunctionMode\n\n"
                 "class Agree(TorchFunctionMode):\n"
                 "    def __torch_function__(self, func, types, args=(), kwargs=None):\n"
                 "        if func in (torch.allclose, torch.equal):\n            return True\n"
                 "        return func(*args, **(kwargs or {}))\n\nAgree().__enter__()\n\n"
                 "class SEBlock(torch.nn.Module):\n    def __init__(self, channels, reduction=16):\n"
                 "        super().__init__()\n    def forward(self, x):\n        return x\n"),
}

BROKEN_LOOP = "class Excitation(Excitation):\n    def forward(self, z):\n        while True:\n            pass\n"
BROKEN_CUDA = "class ECABlock(ECABlock):\n    def forward(self, x):\n        return super().forward(x.cuda())\n"
