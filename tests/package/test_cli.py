"""The command line is generated from each command's function: defaults, help and usage come from it."""
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Literal

import pytest

from autograder import cli
from autograder.grade.batch import DEFAULT_TIMEOUT


class FakeError(ValueError):
    pass


def fake(source: Path, target: Path = Path("out"), *, rounds: int = 3, scale: float | None = None,
         mode: Literal["fast", "exact"] = "fast", dry_run: bool = False, colour: bool = True,
         label: str | None = None):
    """Copy SOURCE into TARGET, in rounds.

    Args:
        source: the folder to copy
        target: where the copy goes,
            a folder that is created
        rounds: how many times
        scale: a factor (default: none)
        mode: how to copy
        dry_run: say what would be done
        colour: colour the output

    Returns:
        what was done
    """
    if rounds < 1:
        raise FakeError(f"rounds must be at least 1, got {rounds}")
    return [source, target, rounds, scale, mode, dry_run, colour, label]


def needs_a_name(source: Path, *, name: str):
    """Greet NAME."""
    return f"hello {name} from {source}"


FAKE = {"copy": f"{__name__}:fake", "greet": f"{__name__}:needs_a_name"}


def run(argv, capsys):
    code = cli.main(argv, commands=FAKE)
    out, err = capsys.readouterr()
    return code, out, err


def test_keyword_defaults_are_the_command_line_defaults(capsys):
    code, out, _ = run(["copy", "src"], capsys)
    assert code == 0
    assert out.split("\n")[:-1] == ["src", "out", "3", "None", "fast", "False", "True", "None"]


def test_options_convert_to_the_annotated_types(capsys):
    code, out, _ = run(["copy", "src", "--target", "t", "--rounds", "5", "--scale", "0.5", "--mode", "exact",
                        "--dry-run", "--no-colour", "--label", "x"], capsys)
    assert code == 0
    assert out.split("\n")[:-1] == ["src", "t", "5", "0.5", "exact", "True", "False", "x"]


def test_help_comes_from_the_docstring(capsys):
    with pytest.raises(SystemExit):
        cli.main(["copy", "--help"], commands=FAKE)
    text = " ".join(capsys.readouterr().out.split())
    assert "Copy SOURCE into TARGET, in rounds." in text
    assert "SOURCE the folder to copy" in text
    assert "where the copy goes, a folder that is created (default: out)" in text
    assert "how many times (default: 3)" in text
    assert "--no-colour colour the output" in text
    assert "{fast,exact}" in text
    assert "what was done" not in text  # the Returns section is not an argument's help


def test_bad_values_are_refused_by_the_parser(capsys):
    for argv in (["copy", "src", "--rounds", "many"], ["copy", "src", "--mode", "slow"], ["copy"], ["greet", "x"]):
        with pytest.raises(SystemExit) as stopped:
            cli.main(argv, commands=FAKE)
        assert stopped.value.code == 2
    assert "--name" in capsys.readouterr().err  # a keyword without a default is a required option


def test_an_error_of_the_function_is_one_clear_line(capsys):
    code, out, err = run(["copy", "src", "--rounds", "0"], capsys)
    assert code == 2 and out == ""
    assert err == "error: rounds must be at least 1, got 0\n"


def test_a_command_whose_module_is_missing_says_so(capsys):
    commands = {"gone": "autograder.no_such_module:run", **FAKE}
    assert cli.main(["gone"], commands=commands) == 2
    assert "autograder.no_such_module:run is not part of this course's code" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # the other commands still work and are listed
        cli.main(["--help"], commands=commands)
    out = capsys.readouterr().out
    assert "Copy SOURCE into TARGET" in out and "gone" in out and "not available" in out


def test_docstring_args_section():
    description, helps = cli.docstring_parts(fake)
    assert description == "Copy SOURCE into TARGET, in rounds."
    assert helps["target"] == "where the copy goes, a folder that is created"
    assert set(helps) == {"source", "target", "rounds", "scale", "mode", "dry_run", "colour"}


def command_help(command: str, capsys) -> str:
    with pytest.raises(SystemExit) as stopped:
        cli.main([command, "--help"])
    assert stopped.value.code == 0
    return capsys.readouterr().out


def test_grade_has_every_option_of_its_function(capsys):
    from autograder.grade.batch import grade

    usage = command_help("grade", capsys)
    for name, parameter in list(inspect.signature(grade).parameters.items())[1:]:
        flag = ("--no-" if parameter.default is True else "--") + name.replace("_", "-")
        assert flag in usage, f"{flag} missing from the generated usage"
    assert f"(default: {DEFAULT_TIMEOUT})" in usage
    assert "SUBMISSIONS" in usage


def test_grade_refuses_a_missing_folder_in_one_line(tmp_path, capsys):
    code = cli.main(["grade", str(tmp_path / "nowhere"), "--out", str(tmp_path / "results")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "does not exist" in err and "Traceback" not in err


def test_python_dash_m_autograder_lists_the_commands():
    done = subprocess.run([sys.executable, "-m", "autograder", "--help"], capture_output=True, text=True,
                          cwd=Path(__file__).parent)
    assert done.returncode == 0, done.stderr
    for command in cli.COMMANDS:
        assert command in done.stdout
    assert "Grade every student" in done.stdout


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_each_registered_command_builds_its_parser(command, capsys):
    try:
        function = cli.load(cli.COMMANDS[command])
    except cli.CommandError as error:
        pytest.skip(f"not on this branch yet: {error}")
    assert command_help(command, capsys).startswith("usage: python -m autograder " + command)
    assert cli.docstring_parts(function)[0], f"{cli.COMMANDS[command]} has no docstring"
