"""JupyterHub for the course: many learners and trainers on one server, several courses side by side.

Start it as root (it starts each person's server under their own Unix account):

    sudo /opt/cod-iop-hub-env/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Everything that differs between machines and courses is in the settings folder (COD_IOP_ETC, default
/etc/cod-iop) that setup_hub.py writes: hub.json (the environment, the exchange, ports, administrators)
and courses/<course_id>.json, one file per course. This file reads them; it is the same on every hub.

It follows nbgrader's multi-course recipe (demos/demo_multiple_classes in nbgrader's repository and its
documentation "Using nbgrader with JupyterHub"):

* people sign in with their Unix account and password (PAM); each gets their own server
  (LocalProcessSpawner) running as that account, with the learner's view of the course;
* per course, a grader account grader-<course_id> owns the course folder and runs the formgrader as a
  JupyterHub service named <course_id>, at /services/<course_id>/;
* JupyterHub groups: nbgrader-<course_id> holds the course's learners (nbgrader's JupyterHub
  authentication plugin shows them that course's modules), formgrade-<course_id> its trainers (they may
  open the course's formgrader service and nothing else of the grader account);
* roles give each group only those scopes.

Formgrader in its own browser tab: since JupyterHub 4.1 every single-user server sends
`Content-Security-Policy: frame-ancestors 'none'` (JupyterHub's "mitigating same-origin deployments"), so
nbgrader's JupyterLab plugin, which shows formgrader inside an iframe, shows a blank panel (nbgrader issue
#1870; nbgrader reverted its own header change in #1947 for the same security reason). Allowing frames
again would re-open the hole the header closes, so trainers open https://<hub>/services/<course_id>/
formgrader in a tab of its own (the Hub's Services menu links there).
"""

import glob
import json
import os

c = get_config()  # noqa: F821 - provided by JupyterHub when it reads this file

ETC = os.environ.get("COD_IOP_ETC", "/etc/cod-iop")


def _read(path: str, fields: dict) -> dict:
    """A settings file written by setup_hub.py, checked: a mistake names the file and the field."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise SystemExit(f"{path} does not exist: run deploy/jupyterhub/setup_hub.py first.") from None
    except ValueError as error:
        raise SystemExit(f"{path} is not valid JSON: {error}") from None
    for field, kind in fields.items():
        if not isinstance(data.get(field), kind):
            raise SystemExit(f"{path}: the field {field!r} is missing or is not a {kind.__name__}.")
    return data


HUB = _read(os.path.join(ETC, "hub.json"), {"env": str, "exchange": str, "state": str, "bind_url": str,
                                              "hub_port": int, "proxy_api_port": int, "admins": list})
COURSES = [_read(path, {"course_id": str, "grader": str, "root": str, "port": int, "trainers": list,
                        "learners": list})
           for path in sorted(glob.glob(os.path.join(ETC, "courses", "*.json")))]
ENV_BIN = os.path.join(HUB["env"], "bin")
# Servers run the environment setup_hub.py built (outside /root, so every account can run it).
SERVER_PATH = os.pathsep.join([ENV_BIN, "/usr/local/bin", "/usr/bin", "/bin"])

# The hub and its proxy listen on this machine; an HTTPS reverse proxy (nginx, Caddy) faces the network.
c.JupyterHub.bind_url = HUB["bind_url"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = HUB["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{HUB['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = os.path.join(HUB["state"], "jupyterhub-proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(HUB["state"], "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(HUB["state"], "jupyterhub_cookie_secret")

# Who may sign in: Unix accounts (PAM), and only the people of a course or the hub's administrators.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.admin_users = set(HUB["admins"])
c.Authenticator.allowed_users = {name for course in COURSES for name in course["learners"] + course["trainers"]}

# Each person's own server, under their own account, in their home folder, with the learner's view of the
# course (nbgrader's trainer panels off, the course's Validate and Submit): <etc>/jupyter.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(ENV_BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"JUPYTER_CONFIG_PATH": os.path.join(ETC, "jupyter"), "PATH": SERVER_PATH}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60

c.JupyterHub.load_groups = {}
c.JupyterHub.load_roles = roles = [
    {
        # Each server's own token: report activity, be reached by its owner, and read its owner's groups
        # (nbgrader's plugin asks the hub which nbgrader-<course> groups the learner is in) and the
        # courses' services (nbgrader's course list).
        "name": "server",
        "scopes": ["users:activity!user", "access:servers!server", "read:users:name!user",
                   "read:users:groups!user", "list:services", "read:services"],
    },
]
c.JupyterHub.services = []
for course in COURSES:
    course_id = course["course_id"]
    c.JupyterHub.load_groups[f"nbgrader-{course_id}"] = {"users": course["learners"]}
    c.JupyterHub.load_groups[f"formgrade-{course_id}"] = {"users": course["trainers"]}
    roles.append({"name": f"formgrade-{course_id}", "groups": [f"formgrade-{course_id}"],
                  "scopes": [f"access:services!service={course_id}", "list:services",
                             f"read:services!service={course_id}"]})
    roles.append({"name": f"nbgrader-{course_id}", "groups": [f"nbgrader-{course_id}"],
                  "scopes": ["list:services", f"read:services!service={course_id}"]})
    # The formgrader: JupyterLab of the grader account, on the course folder, reached through the hub at
    # /services/<course_id>/ by the course's trainers only.
    c.JupyterHub.services.append({
        "name": course_id,
        "display": True,
        "url": f"http://127.0.0.1:{course['port']}",
        "command": [os.path.join(ENV_BIN, "jupyterhub-singleuser")],
        "user": course["grader"],
        "cwd": course["root"],
        "oauth_no_confirm": True,
        "environment": {"JUPYTERHUB_DEFAULT_URL": "/lab/tree/notebooks/trainer-guide.ipynb",
                        "PATH": SERVER_PATH},
    })
