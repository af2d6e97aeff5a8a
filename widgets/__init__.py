"""The course's learner- and trainer-facing Python.

Pure models (scoring, graph walking, rules) live beside thin ipywidgets views; notebooks import one
thing and call it. Content (vignettes, practice checks, sources) is YAML under widgets/content/.
"""

from importlib.resources import files

CONTENT = files("widgets") / "content"

__all__ = ["CONTENT"]
