"""The trainer's side of the course: grading the cohort, the cohort report and completion records.

    python -m widgets.trainer --help

nbgrader_course.py the course folder, its nbgrader config, modules (from source/) and gradebook
roster.py        learners from CSV via `nbgrader db student import`
grading.py       collect + autograde + feedback for everyone, never stopping on one bad submission
feedback.py      feedback without the answer key (nbgrader's feedback step), released for everyone at once
feedback_page.py the learner's feedback page: each question, their answer, right or not, points and why
data.py          the cohort's results, read from nbgrader's Gradebook API
stats.py         pure item analysis and mastery functions
report.py        the HTML report with figures and text alternatives, and the same numbers as CSV
certificates.py  certificate PDFs for eligible learners, a transcript for everyone
demo.py          a throwaway course with a simulated cohort, through nbgrader's real exchange
demo_answers.py  the demo's written answers per module, marked by one small rule per rubric criterion
"""
