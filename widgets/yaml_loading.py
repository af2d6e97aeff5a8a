"""Reading the course's YAML content (vignettes, practice checks, sources).

libyaml's C parser where PyYAML was built with it (it reads the content about ten times faster than the
pure-Python parser, which a learner feels as a module's first cells run), and the pure-Python one otherwise.
Either way a key written twice in one mapping is refused instead of silently keeping the second value.
"""

from __future__ import annotations

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentLoader(_Base):
    """A safe YAML loader that refuses a key written twice in one mapping (a duplicated node id, say)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"'{key}' is defined twice (first on line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def load_content(text: str):
    """The data in one YAML document; raises yaml.YAMLError (with its line) when it is not valid."""
    return yaml.load(text, Loader=ContentLoader)  # noqa: S506 - a SafeLoader (C or Python) subclass
