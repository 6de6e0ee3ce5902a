"""The event contract as JSON Schema, one per event type and schema version, for validating what replay re-produces.

``contract/<stem>.v<N>.schema.json`` (``user-created``, ``user-deleted``) are generated from
lambdas/shared/contract/fields.ts by ``npm run generate`` (the DAGs folder is all MWAA receives); a test fails when
one is stale.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline_dags.fields_generated import CURRENT_SCHEMA_VERSION, EVENT_TYPES

CONTRACT_DIR = Path(__file__).resolve().parent / "contract"
MAX_PROBLEMS = 5
#: The type a document without a known ``event_type`` is judged as (its schema then names the field).
DEFAULT_EVENT_TYPE = "user.created"


def schema_path(version: int, event_type: str = DEFAULT_EVENT_TYPE) -> Path:
    return CONTRACT_DIR / f"{EVENT_TYPES[event_type]['schema_stem']}.v{version}.schema.json"


#: The current user.created schema (what producers write).
SCHEMA_PATH = schema_path(CURRENT_SCHEMA_VERSION)


@lru_cache(maxsize=16)
def validator(version: int = CURRENT_SCHEMA_VERSION, event_type: str = DEFAULT_EVENT_TYPE):
    import jsonschema

    schema = json.loads(schema_path(version, event_type).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def declared_event_type(document: Any) -> str:
    """The document's event type if the registry has it, else user.created."""
    event_type = document.get("event_type") if isinstance(document, dict) else None
    return event_type if isinstance(event_type, str) and event_type in EVENT_TYPES else DEFAULT_EVENT_TYPE


def _declared_version(document: Any, event_type: str) -> int | None:
    version = document.get("schema_version") if isinstance(document, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version in EVENT_TYPES[event_type]["versions"]:
        return version
    return None


def problems(document: Any) -> list[str]:
    """Human-readable contract violations ('' path = the root), at most MAX_PROBLEMS.

    A document is judged by the schema of its event type and the version it declares; one declaring no known
    version is judged by its type's newest schema (which then reports its schema_version); an unknown type by
    user.created's (which then reports its event_type).
    """
    event_type = declared_event_type(document)
    version = _declared_version(document, event_type) or EVENT_TYPES[event_type]["versions"][-1]
    errors = sorted(
        validator(version, event_type).iter_errors(document), key=lambda e: (list(e.absolute_path), e.message)
    )
    found = []
    for error in errors[:MAX_PROBLEMS]:
        path = "/".join(str(part) for part in error.absolute_path)
        found.append(f"{path or '(root)'}: {error.message[:200]}")
    return found
