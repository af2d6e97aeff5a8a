"""The course: one machine, one folder, works out of the box.

Every path is relative to this file, so a copy of the project (a test's throwaway course, a trainer's
second cohort) is a complete course of its own. tests/test_nbgrader_config.py proves each setting
takes effect: traitlets ignores a misspelled class name without a word.
"""

import importlib.util
import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader reads this file

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))

# The course and where its parts live.
c.CourseDirectory.course_id = "cod-iop"
c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(COURSE_ROOT, "gradebook.db")

# The exchange lives inside the course (ignored by git) so one machine needs no shared folder;
# learners' fetched modules land in my-work/, away from the instructor's source/.
c.Exchange.root = os.path.join(COURSE_ROOT, ".exchange")
c.Exchange.path_includes_course = False
c.Exchange.assignment_dir = os.path.join(COURSE_ROOT, "my-work")

# A module runs in seconds; two minutes leaves room for a slow, busy machine.
c.Execute.timeout = 120
c.ExecutePreprocessor.timeout = 120

# Every submission is graded in a sandbox (widgets/trainer/sandbox.py and sandboxed_execute.py, built on bubblewrap): a learner's code
# cannot read source/, the gradebook, the exchange, other learners' work or the grader's files, has no
# network, and is held to time, memory, process and output limits. A cell that kills its kernel costs only
# that cell. This reaches `nbgrader autograde` and the formgrader too. Named as text: only grading imports it.
c.Autograde.autograde_preprocessors = [
    "widgets.trainer.sandboxed_execute.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Learners don't program: an unanswered cell holds a plain-language comment, never
# `raise NotImplementedError()`.
c.ClearSolutions.code_stub = {
    "python": "# Put your answer on the line above, then run this cell (Shift+Enter).",
}
c.ClearSolutions.text_stub = "Write your answer here."

# A stray warning on stderr would zero a test cell: drop warnings from stderr when grading.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?i)warning"

# A learner who deletes a graded cell gets it back (empty) instead of breaking autograde.
c.OverwriteCells.add_missing_cells = True

# Feedback never gives the key away. At autograde nbgrader puts every locked cell back from the gradebook,
# hidden tests and mark scheme included, and by default its feedback shows them (nbgrader #917).
# HideAnswerKey removes hidden tests, mark schemes and solutions from every cell whatever its metadata
# says (nbgrader's ClearHiddenTests and ClearMarkScheme stop on a cell a learner has tampered with), and
# any output that quotes them; the learner's answers, the visible checks and their results stay. Named as
# text so that only the feedback step imports it.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "widgets.trainer.feedback.HideAnswerKey",
    "widgets.trainer.feedback_page.GatherQuestions",
]
# The page a counselor reads: each question as the learner saw it, their answer, right or not, points and
# the explanation with its source, instead of nbgrader's notebook view of test cells and code. nbgrader
# always asks for the template named "feedback"; the course's (widgets/trainer/templates/feedback) is found
# first. This setting also reaches Formgrader's own page, which needs nbgrader's templates ("formgrade"), so
# nbgrader's folder comes second. Both located without importing the packages (only the feedback step does).
_WIDGETS = importlib.util.find_spec("widgets")
_NBGRADER = importlib.util.find_spec("nbgrader")
if _WIDGETS is not None and _WIDGETS.submodule_search_locations:
    c.HTMLExporter.extra_template_basedirs = [
        os.path.join(list(_WIDGETS.submodule_search_locations)[0], "trainer", "templates"),
        *([os.path.join(list(_NBGRADER.submodule_search_locations)[0], "server_extensions", "formgrader",
                        "templates")] if _NBGRADER is not None and _NBGRADER.submodule_search_locations else []),
    ]
