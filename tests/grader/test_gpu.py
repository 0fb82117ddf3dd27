"""On a machine with CUDA: grading on the GPU gives the same scores as on the CPU."""
import pytest

from grader_class import WRONG_SQUEEZE, grade_class, solved, with_cells, write_class

pytestmark = [pytest.mark.gpu, pytest.mark.needs_course, pytest.mark.slow]


def test_cpu_and_cuda_give_the_same_scores(tmp_path):
    folder = write_class(tmp_path / "class", {
        "right": {"01_squeeze.ipynb": solved(), "05_spatial_attention.ipynb": solved("05_spatial_attention")},
        "wrong": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE)},
        "cuda_call": {"01_squeeze.ipynb": with_cells(solved(), "import torch\ntorch.zeros(1).cuda()\n")},
    })
    cpu = grade_class(folder, tmp_path / "cpu", device="cpu")
    cuda = grade_class(folder, tmp_path / "cuda", device="cuda")
    for student in ("right", "wrong", "cuda_call"):
        for exercise, row in cpu[student].items():
            on_cuda = cuda[student][exercise]
            assert (row["score"], row["status"]) == (on_cuda["score"], on_cuda["status"])
    assert cpu["right"]["cbam"]["status"] == "passed" and cpu["wrong"]["squeeze"]["status"] == "failed"
