"""nbgrader settings of one course on the hub: the course's own settings, then the hub's.

setup_hub.py copies the repository's nbgrader_config.py (the single-machine course: stubs, grading rules,
the feedback page without the answer key) into the course folder as course_defaults.py, this file as the
course's nbgrader_config.py, and writes hub_course.json beside them. The grader account's formgrader, the
`python -m widgets.trainer` commands and nbgrader's own command line all read this file.

What changes on the hub: the course id, the shared exchange (with the course's name in learners' paths,
as nbgrader's multi-course recipe has it) and the gradebook's
database URL (PostgreSQL when several trainers grade; SQLite in the course folder otherwise).
"""

import json
import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader reads this file
load_subconfig("course_defaults.py")  # noqa: F821 - the course as it runs on one machine

_HERE = os.path.dirname(os.path.abspath(__file__))
_SETTINGS_FILE = os.path.join(_HERE, "hub_course.json")
with open(_SETTINGS_FILE, encoding="utf-8") as _fh:
    _SETTINGS = json.load(_fh)
for _field in ("course_id", "exchange"):
    if not _SETTINGS.get(_field):
        raise ValueError(f"{_SETTINGS_FILE}: the field {_field!r} is missing or empty.")

c.CourseDirectory.course_id = _SETTINGS["course_id"]
c.CourseDirectory.db_url = _SETTINGS.get("db_url") or "sqlite:///" + os.path.join(_HERE, "gradebook.db")
c.Exchange.root = _SETTINGS["exchange"]
c.Exchange.path_includes_course = True
c.Exchange.assignment_dir = "."  # the grader account never fetches; learners' servers use their own setting
# No JupyterHub authentication plugin on the grader's side: nbgrader's plugin asks the hub about the user
# running it, so `grade` run from a shell or a nightly job (outside a hub server) would stop at the first
# new learner. Who is in the course is kept in the hub's groups (<etc>/courses/<course_id>.json).
