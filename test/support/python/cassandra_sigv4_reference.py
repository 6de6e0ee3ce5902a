"""Signs Keyspaces SigV4 challenges with the ``cassandra-sigv4`` plugin the DAGs use (the independent
implementation the TypeScript authenticator is checked against).

Reads a JSON list of cases on stdin: {"challenge", "region", "access_key_id", "secret_access_key",
"session_token" (or null), "time" (ISO 8601, UTC)}; prints a JSON list of the plugin's responses.
The plugin reads the clock itself (``datetime.utcnow()``), so its module's ``datetime`` is pinned per case.
"""

import json
import sys
from datetime import datetime, timezone

from boto3 import Session
from cassandra_sigv4 import auth


def fixed_clock(at):
    class FixedDatetime(datetime):
        @classmethod
        def utcnow(cls):
            return at

    return FixedDatetime


def sign(case):
    at = datetime.fromisoformat(case["time"].replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)
    auth.datetime = fixed_clock(at)
    provider = auth.SigV4AuthProvider(
        session=Session(
            aws_access_key_id=case["access_key_id"],
            aws_secret_access_key=case["secret_access_key"],
            aws_session_token=case["session_token"],
            region_name=case["region"],
        )
    )
    authenticator = provider.new_authenticator("keyspaces")
    assert authenticator.initial_response() == b"SigV4\0\0"
    return authenticator.evaluate_challenge(case["challenge"].encode("utf-8"))


if __name__ == "__main__":
    print(json.dumps([sign(case) for case in json.load(sys.stdin)]))
