"""The user.created v1 event contract as JSON Schema, for validating what replay re-produces.

``contract/user-created.v1.schema.json`` is a copy of lambdas/shared/contract/user-created.v1.schema.json (the
DAGs folder is all MWAA receives); a test fails when the two differ.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent / "contract" / "user-created.v1.schema.json"
MAX_PROBLEMS = 5


@lru_cache(maxsize=1)
def validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def problems(document: Any) -> list[str]:
    """Human-readable contract violations ('' path = the root), at most MAX_PROBLEMS."""
    errors = sorted(validator().iter_errors(document), key=lambda e: (list(e.absolute_path), e.message))
    found = []
    for error in errors[:MAX_PROBLEMS]:
        path = "/".join(str(part) for part in error.absolute_path)
        found.append(f"{path or '(root)'}: {error.message[:200]}")
    return found
