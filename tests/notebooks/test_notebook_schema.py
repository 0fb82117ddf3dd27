"""nbformat's relaxed validator, which nbconvert asks for after every preprocessor, is built once per process
(autograder/notebook_schema.py), with the verdicts nbformat gives, in every nbgrader command of the course."""
import copy
import subprocess
import sys

import nbformat
import pytest
from nbformat import json_compat, validator

from autograder.notebook_schema import keep_relaxed_validators
from cells import RELEASES, ROOT


@pytest.fixture
def compiles(monkeypatch):
    """Counts fastjsonschema's compilations of a schema, with nbformat's own get_validator (an nbgrader command run in
    this process may have kept the relaxed validators already); what was there is put back afterwards."""
    kept = getattr(validator.get_validator, "keeps_relaxed", False)
    monkeypatch.setattr(validator, "get_validator",
                        validator.get_validator.__wrapped__ if kept else validator.get_validator)
    monkeypatch.setenv("NBFORMAT_VALIDATOR", "fastjsonschema")
    released()  # reading validates with the strict validator, which nbformat keeps: built before counting
    count = []
    schema_compiler = json_compat.fastjsonschema.compile
    monkeypatch.setattr(json_compat.fastjsonschema, "compile",
                        lambda *args, **kwargs: count.append(1) or schema_compiler(*args, **kwargs))
    return count


def released():
    return nbformat.read(RELEASES / "01_squeeze.ipynb", as_version=4)


def test_without_it_nbformat_compiles_the_schema_at_every_relaxed_validation(compiles):
    for _ in range(3):
        nbformat.validate(released(), relax_add_props=True)
    assert len(compiles) == 3  # the upstream behaviour this module exists for: when it changes, drop the module


def test_kept_it_compiles_the_relaxed_schema_once(compiles):
    keep_relaxed_validators()
    keep_relaxed_validators()  # again: no second layer
    for _ in range(5):
        nbformat.validate(released(), relax_add_props=True)
    assert len(compiles) == 1
    assert validator.get_validator(relax_add_props=True) is validator.get_validator(relax_add_props=True)


def test_the_kept_validator_gives_nbformat_s_verdicts(compiles):
    keep_relaxed_validators()
    extra = released()
    extra.metadata["added_by_a_preprocessor"] = True
    extra.cells[0]["added_by_a_preprocessor"] = True
    broken = copy.deepcopy(released())
    broken.cells[0]["source"] = 42
    for _ in range(2):  # built, then kept
        nbformat.validate(released(), relax_add_props=True)
        nbformat.validate(extra, relax_add_props=True)  # what relax_add_props allows
        with pytest.raises(nbformat.ValidationError):
            nbformat.validate(broken, relax_add_props=True)


def test_every_nbgrader_command_of_the_course_keeps_it():
    """nbgrader loads nbgrader_config.py from the folder it runs in, as this does."""
    probe = ("from traitlets.config.loader import PyFileConfigLoader\n"
             "PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
             "import nbformat.validator as v\nprint(getattr(v.get_validator, 'keeps_relaxed', False))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "True", done.stderr[-2000:]
