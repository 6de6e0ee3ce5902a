"""The user.created event contract as JSON Schema, one per schema version, for validating what replay re-produces.

``contract/user-created.v<N>.schema.json`` are generated from lambdas/shared/contract/fields.ts by
``npm run generate`` (the DAGs folder is all MWAA receives); a test fails when one is stale.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline_dags.fields_generated import CURRENT_SCHEMA_VERSION

CONTRACT_DIR = Path(__file__).resolve().parent / "contract"
MAX_PROBLEMS = 5


def schema_path(version: int) -> Path:
    return CONTRACT_DIR / f"user-created.v{version}.schema.json"


#: The current version's schema (what producers write).
SCHEMA_PATH = schema_path(CURRENT_SCHEMA_VERSION)


@lru_cache(maxsize=8)
def validator(version: int = CURRENT_SCHEMA_VERSION):
    import jsonschema

    schema = json.loads(schema_path(version).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _declared_version(document: Any) -> int | None:
    version = document.get("schema_version") if isinstance(document, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and schema_path(version).is_file():
        return version
    return None


def problems(document: Any) -> list[str]:
    """Human-readable contract violations ('' path = the root), at most MAX_PROBLEMS.

    A document is judged by the schema of the version it declares; one declaring no known version is judged
    by the current version's schema (which then reports its schema_version).
    """
    version = _declared_version(document) or CURRENT_SCHEMA_VERSION
    errors = sorted(validator(version).iter_errors(document), key=lambda e: (list(e.absolute_path), e.message))
    found = []
    for error in errors[:MAX_PROBLEMS]:
        path = "/".join(str(part) for part in error.absolute_path)
        found.append(f"{path or '(root)'}: {error.message[:200]}")
    return found
