"""The course's Jupyter server extension: where a learner's module stands, as plain words, for the lab's buttons.

    GET <base_url>course-api/notebook-status?path=<notebook, relative to the server's root folder>
    GET <base_url>course-api/assignment-status?assignment_id=<module>
    GET <base_url>course-api/feedback-status?assignment_id=<module>

The first two read the notebook(s) on disk without running them (widgets.module_status) and say whether each
answer is in the right form, what is still unanswered or empty, what to do about it, and what happens after
submitting. The third asks nbgrader's own Assignments-panel code (its exchange list of the learner's
submissions) whether feedback has been released and fetched, and gives the newest fetched feedback page.

Every wording lives in Python; the lab extension only shows the texts. A bad request about something inside
the learner's folder (an unknown module, a missing or damaged notebook) gets a plain sentence, never a
traceback; only a path outside the folder is refused (403).
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from widgets import module_status

API = "course-api"
OUTSIDE = "That file is not in your folder, so it cannot be checked."
NO_PATH = "Say which notebook to check."
NO_MODULE = "Say which module to check."
NOT_A_NOTEBOOK = "Only a notebook (a file ending in .ipynb) can be checked."
MISSING = "This notebook is not in your folder any more: it may have been moved, renamed or deleted."
UNKNOWN_MODULE = "There is no module called {module} in this course."
FEEDBACK_NOT_SUBMITTED = ("You have not submitted this module yet, so there is no feedback for it. Feedback "
                          "comes after you submit and your trainer has graded the module.")
FEEDBACK_NOT_RELEASED = ("Your trainer has not released feedback for this module yet. It comes for everyone at "
                         "once, after your trainer has graded the module; then press Fetch Feedback.")
FEEDBACK_READY = "Your feedback is ready: press Fetch Feedback to get it."
FEEDBACK_UPDATED = ("Your trainer has changed your feedback since you fetched it: press Fetch Feedback to get "
                    "the new version.")
FEEDBACK_HERE = "Your feedback is here: open it to see your answers, your points and your trainer's comments."
SIGNED_OUT = "You are not signed in, so this cannot be checked. Reload the page and sign in again."
UNEXPECTED = ("Something went wrong while checking. Try again in a minute; if it keeps happening, tell your "
              "trainer.")
FEEDBACK_UNAVAILABLE = ("The course's exchange could not be read, so your feedback cannot be checked now. Try "
                        "again in a minute; if it keeps happening, tell your trainer.")


def written_stubs(root: Path) -> tuple[str, ...]:
    """What an untouched written answer holds: the course's configured stub as well as the known ones."""
    try:
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        configured = config.ClearSolutions.get("text_stub")
    except Exception:  # no course config here, or one that cannot be read: the known stubs still apply
        configured = None
    return (*module_status.WRITTEN_STUBS, *([configured] if isinstance(configured, str) else []))


class CourseHandler(APIHandler):
    """Reads only what is inside the server's root folder, and answers in plain words."""

    auth_resource = "contents"

    @property
    def root(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser().resolve()

    def refuse(self, status: int, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "ok": False}))

    def write_error(self, status_code: int, **kwargs) -> None:
        """Any error, even one not foreseen here, reaches the learner as a plain sentence (details in the log)."""
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": SIGNED_OUT if status_code == 403 else UNEXPECTED, "ok": False}))

    def answer(self, body: dict) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def inside_root(self, relative: str) -> Path | None:
        """The file `relative` names in the root folder, or None if it lies outside it or is hidden."""
        parts = PurePosixPath(relative.replace("\\", "/")).parts
        if not parts or relative.startswith(("/", "\\")) or ":" in parts[0] \
                or any(part == ".." or part.startswith(".") for part in parts):
            return None
        target = (self.root / Path(*parts)).resolve()
        return target if target.is_relative_to(self.root) else None

    def module_folder(self) -> tuple[str, Path] | None:
        """The `assignment_id` argument and its folder in the root, having refused the request if they are bad."""
        module = self.get_query_argument("assignment_id", "").strip()
        if not module:
            self.refuse(400, NO_MODULE)
            return None
        folder = self.inside_root(module)
        if folder is None or len(PurePosixPath(module).parts) != 1:
            self.refuse(403, OUTSIDE)
            return None
        return module, folder


class NotebookStatusHandler(CourseHandler):
    @web.authenticated
    @authorized
    def get(self):
        relative = self.get_query_argument("path", "").strip()
        if not relative:
            return self.refuse(400, NO_PATH)
        path = self.inside_root(relative)
        if path is None:
            return self.refuse(403, OUTSIDE)
        if path.suffix != ".ipynb":
            return self.answer(module_status.Status(None, path.name, problems=[NOT_A_NOTEBOOK]).as_dict())
        if not path.is_file():
            return self.answer(module_status.Status(None, path.stem, problems=[MISSING]).as_dict())
        # A module's notebook sits in a folder named after the module (where nbgrader's fetch puts it).
        module = path.parent.name if path.parent != self.root else path.stem
        self.answer(module_status.read_status(path, module, written_stubs(self.root)).as_dict())


class ModuleHandler(CourseHandler):
    """A request about one fetched module (`assignment_id`): refused plainly if bad, else answered by `about`."""

    @web.authenticated
    @authorized
    def get(self):
        found = self.module_folder()
        if found is not None:
            self.about(*found)

    def about(self, module: str, folder: Path) -> None:
        raise NotImplementedError


class AssignmentStatusHandler(ModuleHandler):
    def about(self, module: str, folder: Path) -> None:
        self.answer(module_status.module_status(folder, module, written_stubs(self.root)).as_dict())


class FeedbackStatusHandler(ModuleHandler):
    def about(self, module: str, folder: Path) -> None:
        try:
            body = self.feedback_status(module, folder)
        except Exception:  # nbgrader could not read the exchange: say so plainly, keep the details in the log
            self.log.exception("course-api: feedback status of %s", module)
            body = {"released": False, "fetched": False, "page": None, "message": FEEDBACK_UNAVAILABLE}
        self.answer(body)

    def feedback_status(self, module: str, folder: Path) -> dict:
        manager = self.assignment_list()
        submitted = manager.list_submitted_assignments()
        released = manager.list_released_assignments()
        if not (submitted.get("success") and released.get("success")):
            self.log.warning("course-api: nbgrader could not list %s: %s", module,
                             submitted.get("value") if not submitted.get("success") else released.get("value"))
            return {"released": False, "fetched": False, "page": None, "message": FEEDBACK_UNAVAILABLE}
        submissions = [s for a in submitted["value"] if a["assignment_id"] == module for s in a["submissions"]]
        known = folder.is_dir() or submissions or any(a["assignment_id"] == module for a in released["value"])
        if not known:
            return {"released": False, "fetched": False, "page": None,
                    "message": UNKNOWN_MODULE.format(module=module)}
        newest_first = sorted(submissions, key=lambda s: s["timestamp"], reverse=True)
        notebooks = [nb for s in newest_first for nb in s.get("notebooks", [])]
        is_released = any(nb.get("has_exchange_feedback") for nb in notebooks)
        pages = [Path(nb["local_feedback_path"]) for nb in notebooks
                 if nb.get("has_local_feedback") and nb.get("local_feedback_path")]
        page = next((p for p in pages if p.is_file() and p.resolve().is_relative_to(self.root)), None)
        updated = any(nb.get("feedback_updated") for nb in notebooks)
        if not submissions:
            message = FEEDBACK_NOT_SUBMITTED
        elif page is not None:
            message = FEEDBACK_UPDATED if updated else FEEDBACK_HERE
        elif is_released:
            message = FEEDBACK_READY
        else:
            message = FEEDBACK_NOT_RELEASED
        return {"released": is_released, "fetched": page is not None,
                "page": page.resolve().relative_to(self.root).as_posix() if page else None, "message": message}

    def assignment_list(self):
        """nbgrader's own Assignments-panel manager, reading the course's config the way the panel does."""
        from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

        manager = AssignmentList(parent=self.settings.get("serverapp"))
        manager.root_dir = str(self.root)
        return manager


def _jupyter_server_extension_points():
    return [{"module": "widgets.learner_server"}]


def _load_jupyter_server_extension(serverapp):
    base_url = serverapp.web_app.settings["base_url"]
    handlers = [("notebook-status", NotebookStatusHandler), ("assignment-status", AssignmentStatusHandler),
                ("feedback-status", FeedbackStatusHandler)]
    serverapp.web_app.add_handlers(".*$", [(url_path_join(base_url, API, name), handler)
                                           for name, handler in handlers])
    serverapp.log.info("Course status API loaded at %s", url_path_join(base_url, API))
