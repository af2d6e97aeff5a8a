"""The trainer's side of the course: grading the cohort, the cohort report and completion records.

    python -m widgets.trainer --help

Read top-down (docs/architecture.md draws the whole house):

nbgrader_course.py  the one door into nbgrader: the course folder, its config and modules, and every call
                    into nbgrader's API, gradebook, roster and exchange
grading.py          collect + check + autograde + feedback for everyone, never stopping on one bad
                    submission; a log of each run
roster.py           learners from CSV into the gradebook (checked first, in plain words)
feedback.py         feedback without the answer key (nbgrader's feedback step), released for everyone at once
feedback_page.py    the learner's feedback page: each question, their answer, right or not, points and why
data.py             the cohort's results as one plain object, read through the door
stats.py            item analysis and mastery (the standard library's statistics where it has them)
report.py           the HTML report (a template, autoescaped) with figures and text alternatives, and the
                    same numbers as CSV
certificates.py     certificate PDFs for eligible learners, a transcript for everyone
__main__.py         the command line
demo.py             a throwaway course with a simulated cohort, through nbgrader's real exchange
demo_answers.py     the demo's written answers per module, marked by one small rule per rubric criterion
"""
