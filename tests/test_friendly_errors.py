"""A learner's typing slips get one plain sentence, in a real IPython shell, and the cell still fails."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from widgets import checks, friendly_errors


@pytest.fixture
def shell(capsys):
    shell = InteractiveShell.instance()
    shown = []
    original = shell._showtraceback
    shell._showtraceback = lambda etype, value, stb: shown.append("\n".join(stb))
    assert friendly_errors.install(shell)
    yield shell, shown
    shell._showtraceback = original
    InteractiveShell.clear_instance()


def run(shell, code: str):
    shell, shown = shell
    shown.clear()
    result = shell.run_cell(code, store_history=True)
    return result, " ".join(" ".join(shown).split())


def test_an_answer_without_quotes_says_to_add_quotes_and_still_fails(shell):
    result, shown = run(shell, "q2_answer = B")
    assert not result.success
    assert 'q2_answer = "B"' in shown and "Question 2" in shown
    assert "Traceback" not in shown and "NameError" not in shown


def test_a_check_cell_run_before_its_answer_cell_says_to_run_the_answer_cell(shell):
    run(shell, "from widgets.checks import check_choice")
    result, shown = run(shell, 'check_choice("q7_answer", q7_answer, ["A", "B"])')
    assert not result.success
    assert "Question 7" in shown and "answer cell above" in shown and "Traceback" not in shown


def test_a_missing_quote_says_what_an_answer_looks_like(shell):
    result, shown = run(shell, 'q3_answer = "B')
    assert not result.success
    assert "Question 3" in shown and "Python cannot read this line" in shown
    assert "SyntaxError" not in shown and "Traceback" not in shown


def test_a_stray_character_outside_an_answer_line_is_still_one_plain_sentence(shell):
    result, shown = run(shell, "x = (1,")
    assert not result.success
    assert shown.startswith("\u2717 Python cannot read a line") and "Traceback" not in shown


def test_other_errors_keep_their_ordinary_traceback(shell):
    result, shown = run(shell, "1 / 0")
    assert not result.success and isinstance(result.error_in_exec, ZeroDivisionError)


def test_install_outside_ipython_does_nothing():
    InteractiveShell.clear_instance()
    assert friendly_errors.install() is False


def test_an_unanswered_question_prints_a_line_and_lets_the_learners_run_go_on(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    for check, args in ((checks.check_choice, (["A", "B", "C", "D"],)), (checks.check_choices, (["A", "B"],)),
                        (checks.check_number, (0, 27))):
        check("q4_answer", None, *args)
        line = capsys.readouterr().out
        assert line.startswith("\u25cb Question 4 has no answer yet"), line
        assert '"A"' not in line.split("replace None with")[0]


@pytest.mark.parametrize("stage", ["validate", "autograde"])
def test_an_unanswered_question_fails_under_nbgrader(monkeypatch, stage):
    monkeypatch.setenv("NBGRADER_EXECUTION", stage)
    with pytest.raises(checks.AnswerProblem, match="Question 4 has no answer yet"):
        checks.check_choice("q4_answer", None, ["A", "B", "C", "D"])


def test_the_unanswered_sentence_suggests_no_particular_letter(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    checks.check_choice("q4_answer", None, ["A", "B", "C", "D"])
    line = capsys.readouterr().out
    assert "for example" not in line and '"A", "B", "C" or "D"' in line
