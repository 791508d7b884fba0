#!/usr/bin/env python3
"""Unit test of validate_openapi_responses.py on hand-made recordings against the real
docs/openapi.json: a documented answer passes; a missing field, an undocumented success
status, an undocumented content type, a non-JSON body, a missing required operation and an
empty directory each fail.

Usage: validate_openapi_responses_test.py OPENAPI_JSON
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "validate_openapi_responses.py")
ME = {"user": {"id": "u1", "username": "ann", "email": "a@x.io", "role": "user",
               "email_verified": False, "active": True, "created_at": "2026-01-01T00:00:00.000Z",
               "updated_at": "2026-01-01T00:00:00.000Z", "last_login": None}}


def record(method, path, status, body, content_type="application/json"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return {"method": method, "path": path, "status": status, "content_type": content_type,
            "content_encoding": "", "location": "", "truncated": False,
            "body_base64": base64.b64encode(raw).decode()}


def run(doc, records, *extra):
    with tempfile.TemporaryDirectory() as d:
        if records:
            with open(os.path.join(d, "responses-1.jsonl"), "w", encoding="utf-8") as f:
                for r in records:
                    f.write(json.dumps(r) + "\n")
        p = subprocess.run([sys.executable, SCRIPT, doc, d, *extra], capture_output=True, text=True)
        return p.returncode, p.stdout


def main():
    doc = sys.argv[1]
    good = [record("GET", "/api/auth/me", 200, ME),
            record("DELETE", "/api/auth/sessions/abc", 404,
                   {"error": True, "code": "NOT_FOUND", "message": "no such session"}),
            record("GET", "/index.html", 200, b"<html>", "text/html")]
    bad_user = dict(ME["user"])
    del bad_user["email"]
    cases = [
        ("documented answers", good, (), 0, "3 recorded responses, 2 validated"),
        ("missing field", [record("GET", "/api/auth/me", 200, {"user": bad_user})], (), 1,
         "'email' is a required property"),
        ("undocumented success status", [record("GET", "/api/auth/me", 202, ME)], (), 1,
         "no schema for status 202"),
        ("undocumented content type", [record("GET", "/api/auth/me", 200, b"x", "text/plain")],
         (), 1, "content type 'text/plain' not documented"),
        ("not JSON", [record("GET", "/api/auth/me", 200, b"{")], (), 1, "body is not JSON"),
        ("error without the Error shape",
         [record("GET", "/api/auth/me", 401, {"error": "unauthorized"})], (), 1,
         "'code' is a required property"),
        ("required operation unseen", good, ("--require", "sync.upload"), 1,
         "no recorded response of sync.upload"),
        ("nothing recorded", [], (), 1, "nothing recorded"),
    ]
    failed = 0
    for name, records, extra, want_rc, want_text in cases:
        rc, out = run(doc, records, *extra)
        if rc != want_rc or want_text not in out:
            failed += 1
            print(f"FAIL {name}: exit {rc} (want {want_rc}), output lacks {want_text!r}:\n{out}")
        else:
            print(f"ok   {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
