"""nbgrader settings for every learner's (and trainer's) own server on the hub.

setup_hub.py copies this file to <etc>/jupyter/nbgrader_config.py (default /etc/cod-iop/jupyter/) and the
hub puts that folder on JUPYTER_CONFIG_PATH for every single-user server, so nothing is written to the
machine-wide /etc/jupyter. It follows nbgrader's multi-course recipe (demos/demo_multiple_classes):

* one exchange folder shared by every course (hub.json, field "exchange");
* `path_includes_course`: a learner in two courses gets each course's modules in its own folder
  (~/cod-iop/01-co-occurring-disorders/);
* the JupyterHub authentication plugin: a learner sees, fetches and submits only the modules of the
  courses whose JupyterHub group `nbgrader-<course_id>` they belong to.

No course_id here: the Assignments panel lists every course the learner belongs to.
"""

import json
import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader reads this file

_HUB_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "hub.json")
with open(_HUB_FILE, encoding="utf-8") as _fh:
    _HUB = json.load(_fh)

c.Exchange.root = _HUB["exchange"]
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
