"""What each student's grading process starts with, loaded once by the process it forks from (the batch's fork
server, a cluster worker): the grader's modules, the judge's caches (autograder/checks/warm.py), and the book's
addresses the feedback pages link to, read from _config.yml and _toc.yml once instead of by every student's
process (parsing them cost each student about 40 ms of processor time)."""
import autograder.checks.warm  # noqa: F401  (fills the judge's caches when first imported in this process)
from autograder import links

from . import scoring, student  # noqa: F401

try:
    links.location()
    links.chapters()
except Exception:  # the fork server must start whatever happens (it skips only a preload's ImportError): each
    pass  # student's feedback then reads the files itself and meets the error, which records that student
