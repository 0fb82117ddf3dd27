"""The course's command line, ``python -m autograder COMMAND`` (or ``cnn-attention COMMAND``).

Each command is a function; its argparse layer is generated from the signature and docstring:

- the first parameter, when it has no default, is the positional argument (what to act on);
- every other parameter is an option ``--name`` (underscores become dashes), required when it
  has no default, otherwise defaulting to the function's default;
- ``bool`` parameters are flags: ``--name`` when the default is False, ``--no-name`` when True;
- the annotation gives the type (``Path``, ``int``, ``float``, ``str``; ``X | None`` is ``X``;
  ``Literal[...]`` gives the choices);
- the docstring's first paragraph is the description and its ``Args:`` section the help.

What the function returns is printed: a batch's warning and summary, or the paths it wrote.
"""
import argparse
import ast
import importlib
import importlib.util
import inspect
import os
import sys
import types
import typing
from pathlib import Path

# command -> "module:function"; the module is imported only when its command runs or shows help.
COMMANDS = {
    "grade": "autograder.grade.batch:grade",
    "demo": "autograder.grade_demo:grade_demo",
    "release": "autograder.release:release",
    "publish": "autograder.publish:publish",
    "export": "autograder.grade.export:export",
    "gradescope": "autograder.grade.gradescope:build_bundle",
}
PROG = "python -m autograder"


class CommandError(Exception):
    """A command that cannot be built from its function."""


def load(target: str):
    """The function named by "module:function"."""
    module_name, _, name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise CommandError(f"{target} is not part of this course's code ({error})") from None
        raise
    try:
        return getattr(module, name)
    except AttributeError:
        raise CommandError(f"{module_name} has no function {name}") from None


def summary(target: str) -> str:
    """The first line of the docstring of "module:function", read from its source without importing it
    (the grader's modules import torch: listing the commands stays quick)."""
    module_name, _, name = target.partition(":")
    try:
        spec = importlib.util.find_spec(module_name)
    except ModuleNotFoundError:
        spec = None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return f"(not available: no module {module_name})"
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return (ast.get_docstring(node) or "").split("\n\n")[0].replace("\n", " ")
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            return ""  # defined elsewhere: described by its own --help
    return f"(not available: {module_name} has no function {name})"


def docstring_parts(function) -> tuple:
    """(description, {parameter: help}) from a docstring with a Google-style ``Args:`` section."""
    doc = inspect.getdoc(function) or ""
    paragraphs = doc.split("\n\n")
    description = " ".join(paragraphs[0].split()) if paragraphs and not paragraphs[0].startswith("Args:") else ""
    helps, current, in_args = {}, None, False
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped == "Args:":
            in_args = True
            continue
        if not in_args:
            continue
        if stripped and not line.startswith(" "):  # the next section
            break
        indent = len(line) - len(line.lstrip())
        name, colon, text = stripped.partition(":")
        if indent <= 4 and colon and name.split(" ")[0].isidentifier():
            current = name.split(" ")[0]
            helps[current] = text.strip()
        elif current and stripped:
            helps[current] += " " + stripped
    return description, helps


def value_type(annotation) -> tuple:
    """(converter, choices) for an annotation: ``X | None`` -> X, ``Literal["a", "b"]`` -> (str, ("a", "b"))."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(kept) == 1:
            return value_type(kept[0])
    if origin is typing.Literal:
        choices = typing.get_args(annotation)
        return type(choices[0]), choices
    if annotation in (Path, int, float, str):
        return annotation, None
    if annotation is inspect.Parameter.empty:
        return str, None
    raise CommandError(f"no command-line type for the annotation {annotation!r}")


def add_parameter(parser: argparse.ArgumentParser, parameter: inspect.Parameter, annotation, help_text: str,
                  positional: bool) -> None:
    flag = "--" + parameter.name.replace("_", "-")
    default = parameter.default
    if annotation is bool or isinstance(default, bool):
        if default is True:
            parser.add_argument("--no-" + flag[2:], dest=parameter.name, action="store_false",
                                help=help_text or f"turn {parameter.name.replace('_', ' ')} off")
        else:
            parser.add_argument(flag, dest=parameter.name, action="store_true", help=help_text)
        return
    convert, choices = value_type(annotation)
    metavar = None if choices else parameter.name.upper()
    if positional:
        parser.add_argument(parameter.name, type=convert, choices=choices, metavar=metavar, help=help_text)
    elif default is inspect.Parameter.empty:
        parser.add_argument(flag, dest=parameter.name, type=convert, choices=choices, metavar=metavar,
                            required=True, help=help_text)
    else:
        shown = "" if default is None else f" (default: {default})"
        parser.add_argument(flag, dest=parameter.name, type=convert, choices=choices, metavar=metavar,
                            default=default, help=(help_text + shown).strip())


def add_command(commands, name: str, function) -> argparse.ArgumentParser:
    """The subparser `name` generated from `function`'s signature and docstring."""
    description, helps = docstring_parts(function)
    parser = commands.add_parser(name, help=description, description=description)
    hints = typing.get_type_hints(function)
    parameters = list(inspect.signature(function).parameters.values())
    for index, parameter in enumerate(parameters):
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        positional = (index == 0 and parameter.default is inspect.Parameter.empty
                      and parameter.kind is not parameter.KEYWORD_ONLY)
        add_parameter(parser, parameter, hints.get(parameter.name, parameter.annotation),
                      helps.get(parameter.name, ""), positional)
    parser.set_defaults(_function=function)
    return parser


def build_parser(commands: dict = COMMANDS, only: str | None = None, prog: str = PROG) -> argparse.ArgumentParser:
    """The whole command line. Only the function of `only` is imported; the others are listed with the
    first line of their docstring."""
    parser = argparse.ArgumentParser(prog=prog, description="The course's instructor commands: "
                                     f"{prog} COMMAND --help describes each.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, target in commands.items():
        if name == only:
            add_command(sub, name, load(target))
        else:
            sub.add_parser(name, help=summary(target) if only is None else None, add_help=False)
    return parser


def show(result) -> None:
    """Print what a command returned: a batch's warning (stderr) and summary, or the paths written."""
    if result is None:
        return
    if hasattr(result, "summary"):
        if getattr(result, "warning", None):
            print(result.warning, file=sys.stderr)
        print(result.summary)
    elif isinstance(result, (list, tuple)):
        for item in result:
            print(item)
    else:
        print(result)


def user_error(error: BaseException) -> bool:
    """Errors that mean bad input or a bad course folder, reported in one line rather than a traceback."""
    return isinstance(error, (ValueError, OSError, CommandError)) or type(error).__module__.startswith("autograder.")


def main(argv: list | None = None, commands: dict = COMMANDS) -> int:
    """Run the command of `argv` (default: this process's arguments, under the name it was started by)."""
    prog = PROG
    if argv is None:
        argv = sys.argv[1:]
        prog = PROG if sys.argv[0].endswith("__main__.py") else os.path.basename(sys.argv[0])
    argv = list(argv)
    chosen = argv[0] if argv and argv[0] in commands else None
    try:
        parser = build_parser(commands, only=chosen, prog=prog)
    except CommandError as error:
        print(f"{prog} {chosen}: {error}", file=sys.stderr)
        return 2
    args = vars(parser.parse_args(argv))
    function = args.pop("_function")
    args.pop("command")
    try:
        result = function(**args)
    except Exception as error:
        if not user_error(error):
            raise
        print(f"error: {error}", file=sys.stderr)
        return 2
    show(result)
    return 0
