#!/usr/bin/env python3
"""Recompute Hromada's public audit chain from its public endpoints and compare it with the head.

Usage: python3 scripts/verify-audit-chain.py https://hromada.example.org [noted-head-hash]

Each link's hash is SHA-256 of the previous hash, a newline, and nine lines: event_id, occurred_at
(RFC 3339, UTC, microseconds, "Z"), actor_commitment, subject_type, subject_id, action, from_state,
to_state, details_sha256 (each empty for none). The first link's previous hash is 64 zeros. Only the
Python standard library is used. Exit status 0: the chain is intact (and leads to the noted head, when one
is given); 1: it is not.
"""
import datetime
import hashlib
import json
import re
import sys
import urllib.request

GENESIS = "0" * 64
PAGE = 5000
TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


def get(base, path):
    with urllib.request.urlopen(base.rstrip("/") + path, timeout=60) as response:
        return json.load(response)


def utc_micros(text):
    """The timestamp as the chain hashes it: UTC, six fractional digits, 'Z'."""
    if not text:
        return ""
    match = TIME.match(text)
    if not match:
        raise ValueError(f"unexpected timestamp {text!r}")
    whole, fraction, zone = match.groups()
    micros = int(((fraction or "") + "000000")[:6])
    moment = datetime.datetime.fromisoformat(whole + ("+00:00" if zone == "Z" else zone))
    moment = moment.astimezone(datetime.timezone.utc).replace(microsecond=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link_hash(prev_hash, link):
    fields = [
        str(link["event_id"]),
        utc_micros(link.get("occurred_at")),
        link.get("actor_commitment") or "",
        link.get("subject_type") or "",
        link.get("subject_id") or "",
        link.get("action") or "",
        link.get("from_state") or "",
        link.get("to_state") or "",
        link.get("details_sha256") or "",
    ]
    return hashlib.sha256((prev_hash + "\n" + "\n".join(fields)).encode("utf-8")).hexdigest()


def verify(base):
    prev, seq = GENESIS, 0
    while True:
        links = get(base, f"/api/v1/audit/chain?after_seq={seq}&limit={PAGE}")
        if not links:
            break
        for link in links:
            if link["seq"] != seq + 1 or link["prev_hash"] != prev:
                return False, f"link {link['seq']} does not follow link {seq}"
            if link_hash(prev, link) != link["hash"]:
                return False, f"link {link['seq']} (event {link['event_id']}) does not hash to its stored hash"
            prev, seq = link["hash"], link["seq"]
    head = get(base, "/api/v1/audit/head")
    if head["seq"] < seq or (head["seq"] == seq and head["hash"] != prev):
        return False, f"the head ({head['seq']}, {head['hash']}) is not where the chain leads ({seq}, {prev})"
    return True, f"{seq} links recomputed; the head is {prev}"


def noted_head_in_chain(base, noted):
    seq = 0
    while True:
        links = get(base, f"/api/v1/audit/chain?after_seq={seq}&limit={PAGE}")
        if not links:
            return False
        if any(link["hash"] == noted for link in links):
            return True
        seq = links[-1]["seq"]


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    ok, message = verify(argv[1])
    if ok and len(argv) == 3 and not noted_head_in_chain(argv[1], argv[2]):
        ok, message = False, f"the noted head {argv[2]} is not a link of the chain any more"
    print(("intact: " if ok else "BROKEN: ") + message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
