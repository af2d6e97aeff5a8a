"""The vignette file format, version 1, as a JSON Schema (exported for editors by `python -m widgets.vignette schema`).

The schema says what each field is; the graph rules it cannot express (start exists, targets exist, every
node reachable, every path ends, no cycles, unique ids, known sources) are checked in model.py.
"""

SCHEMA_VERSION = 1

_SOURCES = {
    "type": "array",
    "description": "Source keys from the clinical reference's Sources table (for example T42-05-FIG21).",
    "items": {"type": "string", "pattern": "^[A-Z0-9][A-Za-z0-9.-]*$"},
    "minItems": 1,
    "uniqueItems": True,
}

_CHOICE = {
    "type": "object",
    "description": "One thing the counselor can say or do at this point.",
    "additionalProperties": False,
    "required": ["text", "target", "score", "feedback", "sources"],
    "properties": {
        "text": {"type": "string", "minLength": 1, "description": "The choice as the learner reads it."},
        "target": {"type": "string", "minLength": 1, "description": "Id of the node this choice leads to."},
        "score": {"type": "integer", "minimum": 0, "maximum": 10,
                  "description": "Points for this choice; the best choice at a node scores highest."},
        "feedback": {"type": "string", "minLength": 20,
                     "description": "Shown after the choice: why it helps or does not, in plain language."},
        "sources": _SOURCES,
    },
}

_NODE = {
    "type": "object",
    "description": "A moment in the case: a decision (situation and choices) or an ending (situation and debrief).",
    "additionalProperties": False,
    "required": ["situation"],
    "properties": {
        "situation": {"type": "string", "minLength": 1, "description": "What is happening, in plain language."},
        "choices": {"type": "array", "items": _CHOICE, "minItems": 2, "maxItems": 5,
                    "description": "Two to five choices; absent on an ending."},
        "debrief": {"type": "string", "minLength": 20,
                    "description": "On an ending only: what to take away from this path."},
        "keep_order": {"type": "boolean", "default": False,
                       "description": "Show the choices in the order written, for choices that form a scale "
                                      "(Quadrant I to IV). Otherwise the player shows them in a shuffled order "
                                      "that is the same on every visit, so their position never hints at the "
                                      "best one."},
        "sources": _SOURCES,
    },
    "oneOf": [{"required": ["choices"], "not": {"required": ["debrief"]}},
              {"required": ["debrief"], "not": {"required": ["choices"]}}],
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://cod-iop-curriculum.invalid/vignette.schema.json",
    "title": "Branching case vignette",
    "description": "A fictional client's case, played one decision at a time by the vignette player.",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "id", "title", "module", "fictional_notice", "client", "start", "nodes"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION, "description": "Version of this format."},
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$",
               "description": "The vignette's id; equal to the file name without .yaml."},
        "title": {"type": "string", "minLength": 1, "description": "Shown above the case."},
        "module": {"type": "string", "pattern": "^[0-9]{2}-[a-z0-9-]+$",
                   "description": "The module folder the vignette belongs to, e.g. 01-co-occurring-disorders."},
        "fictional_notice": {"type": "string", "pattern": "(?i)fictional",
                             "description": "Says that the client is fictional."},
        "client": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "summary"],
            "description": "Who the case is about.",
            "properties": {
                "name": {"type": "string", "minLength": 1, "description": "The client's (fictional) name."},
                "summary": {"type": "string", "minLength": 1, "description": "One or two sentences about them."},
            },
        },
        "start": {"type": "string", "minLength": 1, "description": "Id of the first node."},
        "nodes": {"type": "object", "minProperties": 2, "additionalProperties": _NODE,
                  "propertyNames": {"pattern": "^[a-z0-9][a-z0-9_-]*$"},
                  "description": "The case's nodes, keyed by id."},
    },
}
