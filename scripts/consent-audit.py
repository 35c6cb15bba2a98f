#!/usr/bin/env python3
"""Checks a `galleryd consent export` (JSON) on its own, as an auditor would.

Usage: consent-audit.py consent.json [consent-log.key]

Rebuilds each checkpoint's signed text (checkpoint-N.txt, with its signature in
checkpoint-N.sig for `openssl pkeyutl -verify`), checks that each checkpoint names the
one before, that the events are continuous and linked and that the checkpointed heads are
the events signed; with the chain key it also recomputes every event hash. Exits non-zero
naming the first problem. Needs only Python 3's standard library.
"""
import base64
import datetime
import hashlib
import hmac
import json
import sys


def check(condition: bool, problem: str) -> None:
    """Not `assert`: `python3 -O` would skip those and pass a tampered export."""
    if not condition:
        sys.exit(f"consent-audit: {problem}")


export = json.load(open(sys.argv[1]))
key = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else None
fields = ["checkpoint", "seq", "events", "headHash", "headEventId", "prunedThrough", "anchorHash", "keyedFrom",
          "at", "reason", "previous"]
previous = "0" * 64
for c in export["checkpoints"]:
    text = "galleryd-consent-checkpoint-v1\n" + "".join(f"{k}={c[k]}\n" for k in fields)
    open(f"checkpoint-{c['checkpoint']}.txt", "w").write(text)
    open(f"checkpoint-{c['checkpoint']}.sig", "wb").write(base64.b64decode(c["signature"]))
    check(c["previous"] == previous, f"checkpoint {c['checkpoint']} does not follow the one before")
    previous = hashlib.sha256(text.encode()).hexdigest()
heads = {c["seq"]: c for c in export["checkpoints"]}
keyed_from = export["checkpoints"][-1]["keyedFrom"] if export["checkpoints"] else 1

def ms(t):
    return "" if t is None else str(round(datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() * 1000))

def material(e):
    decisions = ",".join(f"{k}={int(v)}" for k, v in sorted(e["decisions"].items()))
    values = [e["previousHash"], e["eventId"], e["consentId"], e["kind"], e["scope"], decisions, e["policyVersion"],
              e["catalogHash"], e["locale"], ms(e["at"]), ms(e.get("expiresAt")), e["browser"], e.get("ipHash") or ""]
    return "|".join(f"{len(v.encode())}:{v}" for v in values).encode()

events = export["events"]
for before, e in zip([None] + events, events):
    if before is not None:
        check(e["seq"] == before["seq"] + 1, f"event {before['seq'] + 1} is missing")
        check(e["previousHash"] == before["hash"], f"event {e['seq']} does not link to the one before")
    c = heads.get(e["seq"])
    check(c is None or (c["headHash"], c["headEventId"]) == (e["hash"], e["eventId"]), f"event {e['seq']} is not the signed head")
    if key is not None:
        expected = (hmac.new(key, material(e), hashlib.sha256) if e["seq"] >= keyed_from
                    else hashlib.sha256(material(e))).hexdigest()
        check(e["hash"] == expected, f"event {e['seq']} ({e['eventId']}) was altered")
last = export["checkpoints"][-1] if export["checkpoints"] else None
if last and last["seq"] > last["prunedThrough"]:
    check(events and events[-1]["seq"] >= last["seq"], f"events up to seq {last['seq']} are missing")
print(f"{len(events)} events, {len(export['checkpoints'])} checkpoints: linked and continuous"
      + (", every hash recomputed with the key" if key else ""))
