"""Attacks by a student who has read the grader's source, and correct work in unusual forms; graded in the
hostile class (hostile_class.py), whose honest student is their control.

- `attack_students`: unusual but correct work, a zipped notebook, ids that differ only in case,
  a damaged later notebook, and the probe wrapped to hide an edge-case bug (tests in test_attacks.py).
- `probe_students`: a wrong squeeze (BARE_SQUEEZE) made to look right by changing the probe after
  the harness put it back: in a fork hook, through a patched os.fork, from a thread, or from the student's
  own function while an earlier case runs (tests in test_attacks_probe.py).
"""
import io
import json
import zipfile

from grader_class import WRONG_SQUEEZE, solved, with_cells

# Correct under docs/exercise-api.md: the learnable kernel is only stored reversed (conv1d on a flipped
# copy), as a transposed W1 is a weight stored in another orientation; the function family is the same.
FLIPPED_ECA = """
class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.weight = nn.Parameter(torch.randn(1, 1, self.k))
    def forward(self, x):
        n, c = x.shape[:2]
        z = x.mean((2, 3)).reshape(n, 1, c)
        w = torch.sigmoid(F.conv1d(z, self.weight.flip(-1), padding=(self.k - 1) // 2))
        return x * w.reshape(n, c, 1, 1)
"""
# Correct: the spatial kernel's two input channels held as two 1-in convolutions whose outputs are summed.
SPLIT_SPATIAL = """
class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.max_conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)
        self.mean_conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        gate = self.max_conv(x.amax(1, keepdim=True)) + self.mean_conv(x.mean(1, keepdim=True))
        return x * torch.sigmoid(gate)
"""
# Correct under the API's call protocol: Excitation(channels, reduction) builds a module, called on z.
FACTORY_EXCITATION = """
def Excitation(channels, reduction=16):
    hidden = max(1, channels // reduction)
    return nn.Sequential(nn.Linear(channels, hidden, bias=False), nn.ReLU(),
                         nn.Linear(hidden, channels, bias=False), nn.Sigmoid())
"""
# Wrong: a bare .squeeze() breaks N = 1 and C = 1. A later cell wraps the sandbox's probe so that every
# case runs on a copy of the input with N and C doubled, then slices the answer back: the edge never runs.
EDGE_BUG_HIDDEN_FROM_THE_PROBE = """
def squeeze(x):
    return x.mean(dim=(2, 3)).squeeze()[:, :, None, None]

import inside.probe as _p
_original = _p.probe
def _doubled(obj, case):
    if not callable(obj) or isinstance(obj, type):
        return _original(obj, case)
    def wide(x):
        n, c = x.shape[:2]
        return obj(x.repeat(2, 2, 1, 1))[:n, :c]
    return _original(wide, case)
_p.probe = _doubled
"""

# The same, after switching off the harness's restore: its globals and its function's code replaced.
UNDO_DISABLED = """
import inside.harness as _h
_h.PRISTINE = ()
_h.restore.__code__ = (lambda saved: None).__code__
_h.restore = lambda saved: None
"""


def notebook_bytes(notebook) -> bytes:
    import nbformat

    return nbformat.writes(notebook).encode()


def damaged(notebook) -> bytes:
    """The notebook with one cell's source a list of numbers: JSON a broken editor could write."""
    data = json.loads(notebook_bytes(notebook))
    data["cells"].append({"cell_type": "code", "source": [1, 2], "metadata": {}, "outputs": [],
                          "execution_count": None})
    return json.dumps(data).encode()


def attack_students() -> dict:
    """Folder name -> {file name: notebook node | bytes}."""
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("attention/01_squeeze.ipynb", notebook_bytes(solved()))
    return {
        "zipped_own_work": {"attention.zip": zipped.getvalue()},
        "Casey": {"01_squeeze.ipynb": solved()},
        "casey": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE)},
        "damaged_later_notebook": {"01_squeeze.ipynb": solved(),
                                   "02_excitation.ipynb": damaged(solved("02_excitation"))},
        "unusual_forms": {  # three correct answers in unusual forms, each in a notebook of its own
            "02_excitation.ipynb": with_cells(solved("02_excitation"), FACTORY_EXCITATION),
            "03_eca.ipynb": with_cells(solved("03_eca"), FLIPPED_ECA),
            "05_spatial_attention.ipynb": with_cells(solved("05_spatial_attention"), SPLIT_SPATIAL)},
        "probe_wrapped": {"01_squeeze.ipynb": with_cells(solved(), EDGE_BUG_HIDDEN_FROM_THE_PROBE)},
        "probe_wrapped_undo_disabled": {"01_squeeze.ipynb": with_cells(solved(), EDGE_BUG_HIDDEN_FROM_THE_PROBE
                                                                       + UNDO_DISABLED)},
    }


BARE_SQUEEZE = "def squeeze(x):\n    return x.mean(dim=(2, 3)).squeeze()[:, :, None, None]\n"
WRAPPER = """
def _wrap():
    import inside.probe as _p
    _original = _p.probe
    def _doubled(obj, case):
        def wide(x):
            n, c = x.shape[:2]
            return obj(x.repeat(2, 2, 1, 1))[:n, :c]
        return _original(wide, case)
    _p.probe = _doubled
"""
TRICKS = {
    "fork_hook": WRAPPER + "import os\nos.register_at_fork(after_in_child=_wrap)\n",
    "patched_fork": WRAPPER + """
import os
_fork = os.fork
def fork():
    pid = _fork()
    if pid == 0:
        _wrap()
    return pid
os.fork = fork
""",
    "thread_from_fork_hook": WRAPPER + """
import os, threading, time
def _keep():
    _wrap()
    import inside.probe as _p
    mine = _p.probe
    while True:
        if _p.probe is not mine:
            _p.probe = mine
        time.sleep(0.0001)
os.register_at_fork(after_in_child=lambda: threading.Thread(target=_keep, daemon=True).start())
""",
}
# The function itself changes the probe's helper on its first call (a case with N > 1 and C > 1), so
# that every later case calls it on the doubled input.
CHANGES_THE_PROBE_WHEN_CALLED = """
_calls = []
def squeeze(x):
    if not _calls:
        import inside.probe as _p
        _call = _p._call
        def doubled(what, case, fn, *args, **kwargs):
            if args and getattr(args[0], "ndim", 0) == 4:
                n, c = args[0].shape[:2]
                return _call(what, case, lambda t: fn(t.repeat(2, 2, 1, 1))[:n, :c], *args, **kwargs)
            return _call(what, case, fn, *args, **kwargs)
        _p._call = doubled
    _calls.append(1)
    return x.mean(dim=(2, 3)).squeeze()[:, :, None, None]
"""


def probe_students() -> dict:
    """Folder name -> {file name: notebook node}: each trick on the wrong squeeze, and the squeeze that changes
    the probe when called."""
    return {"changes_the_probe_when_called": {"01_squeeze.ipynb": with_cells(solved(), CHANGES_THE_PROBE_WHEN_CALLED)},
            **{name: {"01_squeeze.ipynb": with_cells(solved(), BARE_SQUEEZE, trick)} for name, trick in TRICKS.items()}}
