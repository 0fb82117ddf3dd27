"""nbformat's relaxed notebook validator, built once per process instead of once per call.

nbconvert validates a notebook after each preprocessor with ``nbformat.validate(nb, relax_add_props=True)``, and
for that call nbformat 5 builds its validator afresh every time (it keeps only the strict one): fastjsonschema,
its default, compiles the whole notebook schema to Python, some 65 ms of processor time. nbgrader runs half a
dozen preprocessors on every notebook it converts: kept, `nbgrader autograde` of two students' five notebooks took
19 processor seconds instead of 23, and `nbgrader generate_assignment` of the five sources 3.6 instead of 5.2. The
relaxed validator depends only on the validator's name and the format's version: `keep_relaxed_validators` keeps
one for each.
"""
import functools

from nbformat import validator


def keep_relaxed_validators() -> None:
    """Make nbformat keep each relaxed validator it builds (in this process; calling it again changes nothing)."""
    build = validator.get_validator
    if getattr(build, "keeps_relaxed", False):
        return
    kept = {}

    @functools.wraps(build)
    def get_validator(version=None, version_minor=None, relax_add_props=False, name=None):
        if not relax_add_props:
            return build(version, version_minor, relax_add_props=False, name=name)
        key = (version, version_minor, name or validator.get_current_validator().name)
        if key not in kept:
            kept[key] = build(version, version_minor, relax_add_props=True, name=name)
        return kept[key]

    get_validator.keeps_relaxed = True
    validator.get_validator = get_validator
