"""Records built by hand, as the grader writes them, for the feedback pages' tests.

One honest student, one with the course's typical mistakes, and one whose every string is
hostile (markup, a script, terminal escapes, bidirectional overrides, a 10 kB message).
"""
from autograder.exercises import EXERCISES

SCRIPT = "<script>document.title='pwned';window.pwned=1</script>"
IMAGE = "<img src=x onerror=\"window.pwned=1\">"
ANSI = "\x1b[2K\x1b[1A\x1b[31mAll submissions graded cleanly\x1b[0m"
BIDI = "evil\u202egnp.exe"
HUGE = "A" * 10_000 + "THE-END-OF-A-HUGE-MESSAGE"
MLP_OF_SUM = "mlp(avg + max): apply the shared MLP to each descriptor and add the two results"
NO_RELU = "no ReLU between the two linear layers"
POINTS = {"squeeze": 2, "excitation": 2, "se_block": 2, "eca_kernel_size": 1, "eca_block": 2,
          "channel_attention": 2, "spatial_attention": 2, "cbam": 3}


def passed_check(case: str, shape: str = "(2, 32, 5, 3)") -> dict:
    return {"case": case, "passed": True, "message": "", "input": f"x {shape} float32 cpu"}


def row(exercise, status="passed", checks=None, message=None) -> dict:
    score = POINTS[exercise.id] if status == "passed" else 0.0
    return {"exercise": exercise.id, "notebook": exercise.notebook, "score": float(score),
            "max_score": float(POINTS[exercise.id]), "status": status,
            "message": message if message is not None else ("all 5 checks passed." if status == "passed" else "wrong"),
            "checks": checks if checks is not None else [passed_check(f"case {i}") for i in range(5)]}


QUESTION = "**Question 1.** Why a sigmoid and not a softmax for the gates?"
ANSWER = "Each channel gets its own gate in (0, 1); a softmax would make the channels compete."


def answer(stem: str, number: int, text: str = ANSWER, state: str = "answered", question: str = QUESTION) -> dict:
    """One question to grade by hand, as the grader records it (cells.student_answers)."""
    return {"notebook": stem, "id": f"{stem[:2]}-answer-{number}", "question": question, "points": 1.0,
            "state": state, "text": text}


def honest() -> dict:
    return {"student": "ada", "display_name": "Ada Lovelace", "fingerprint": "f", "notes": [], "attention": "",
            "results": [row(e) for e in EXERCISES],
            "answers": [answer("01_squeeze", 1), answer("01_squeeze", 2)]}


def failing_channel_attention() -> dict:
    """The check a student gets for ChannelAttention computing mlp(avg + max)."""
    return {"case": "ChannelAttention(8, reduction=4) on x (3, 8, 4, 6) float64 cpu", "passed": False,
            "message": "ChannelAttention: the output differs from the expected one (largest difference 0.412).",
            "input": "ChannelAttention(8, reduction=4) on x (3, 8, 4, 6) float64 cpu",
            "expected": "tensor([[[[ 0.4123, -1.2010,  0.0312, ...]]]])",
            "got": "tensor([[[[ 0.2871, -0.9930,  0.0207, ...]]]])",
            "largest_difference": 0.412, "where": "output[1, 3, 0, 2]", "mistake": MLP_OF_SUM,
            "section": "04_channel_attention#two-descriptors-one-mlp"}


def typical() -> dict:
    """Right squeeze, Excitation without its ReLU, mlp(avg + max), the rest missing or broken."""
    by = {e.id: e for e in EXERCISES}
    excitation = {"case": "Excitation(32) on z (3, 32) float32 cpu", "passed": False,
                  "message": "Excitation: the output differs from the expected one (largest difference 0.0731).",
                  "input": "Excitation(32) on z (3, 32) float32 cpu", "expected": "tensor([[0.5123, 0.4410, ...]])",
                  "got": "tensor([[0.5854, 0.4012, ...]])", "largest_difference": 0.0731, "where": "output[2, 17]",
                  "mistake": NO_RELU, "section": "02_excitation#the-bottleneck-mlp"}
    results = [row(by["squeeze"]),
               row(by["excitation"], "failed", [excitation, passed_check("Excitation(8, 4) on z (3, 8)")],
                   "Excitation (args (32,), input 3x32 float32 on cpu): the output differs."),
               row(by["se_block"], "error", [], "could not be graded: no results were written"),
               row(by["eca_kernel_size"], "timeout", [], "the exercise's checks ran past the time limit."),
               row(by["eca_block"], "timeout", [], "the exercise's checks ran past the time limit."),
               row(by["channel_attention"], "failed", [failing_channel_attention()], "ChannelAttention: wrong."),
               row(by["spatial_attention"], "missing", [], "05_spatial_attention.ipynb was not submitted."),
               row(by["cbam"], "missing", [], "05_spatial_attention.ipynb was not submitted.")]
    answers = [answer("02_excitation", 1), answer("02_excitation", 2, "", "not answered"),
               answer("04_channel_attention", 1, "", "not answered")]
    return {"student": "ben", "display_name": "Ben", "fingerprint": "f", "results": results,
            "notes": ["02_excitation.ipynb: cell 4 raised NameError"], "attention": "error: se_block",
            "answers": answers}


TYPICAL_CELLS = {
    "01_squeeze": ["import torch", "def squeeze(x):\n    return x.mean(dim=(2, 3), keepdim=True)"],
    "02_excitation": ["import torch\nfrom torch import nn",
                      "class Excitation(nn.Module):\n    def __init__(self, channels, reduction=16):\n"
                      "        super().__init__()\n        hidden = max(1, channels // reduction)\n"
                      "        self.fc1 = nn.Linear(channels, hidden, bias=False)\n"
                      "        self.fc2 = nn.Linear(hidden, channels, bias=False)\n\n"
                      "    def forward(self, z):\n        return torch.sigmoid(self.fc2(self.fc1(z)))  # no ReLU\n"],
    "04_channel_attention": ["class ChannelAttention(nn.Module):\n    def forward(self, x):\n"
                             "        z = x.mean((2, 3)) + x.amax((2, 3))\n"
                             "        return x * torch.sigmoid(self.mlp(z))[..., None, None]\n"],
}


def hostile() -> dict:
    """Every string a student can influence, made as nasty as the grader lets it be."""
    by = {e.id: e for e in EXERCISES}
    check = {"case": SCRIPT, "passed": False, "message": HUGE, "input": IMAGE + ANSI, "expected": SCRIPT,
             "got": "x" * 5000 + IMAGE, "largest_difference": float("nan"), "where": BIDI, "mistake": SCRIPT,
             "section": "javascript:alert(1)"}
    nested = {"case": 12345, "passed": False, "input": [list(range(100_000))] * 50}  # not text at all
    rows = [row(by["squeeze"], "failed", [check, "not a check", {"passed": "yes"}, nested], SCRIPT + ANSI + HUGE)]
    rows += [row(e, "error", [], IMAGE) for e in EXERCISES[1:]]
    rows[1]["status"] = "<b>bold</b>"
    rows[2]["score"] = float("inf")
    answers = [answer("01_squeeze", 1, SCRIPT + IMAGE + ANSI + BIDI, question=IMAGE),
               answer("01_squeeze", 2, "w" * 3000 + HUGE, "<b>graded</b>"),
               {"notebook": "01_squeeze", "id": SCRIPT, "question": [list(range(100_000))], "points": float("inf"),
                "state": "answered", "text": {"not": "text"}}, "not an answer"]
    return {"student": "mallory", "display_name": SCRIPT + BIDI + ANSI, "fingerprint": "f", "results": rows,
            "notes": [SCRIPT, ANSI, HUGE], "attention": IMAGE + ANSI, "answers": answers}


HOSTILE_CELLS = {"01_squeeze": [f"# {SCRIPT}\ndef squeeze(x):\n    return x[:, :, :1, :1]  # {IMAGE}\n", "y" * 100_000,
                                "long_line = " + "'" + "z" * 3000 + "'"]}
