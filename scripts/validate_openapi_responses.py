#!/usr/bin/env python3
"""Validates recorded HTTP responses against docs/openapi.json.

Usage: validate_openapi_responses.py OPENAPI_JSON RECORDINGS_DIR [--require OPERATION_ID ...]

RECORDINGS_DIR holds the responses-<pid>.jsonl files the integration tests' HTTP client
writes when HOWLER_RECORD_RESPONSES is set (tests/support/response_recorder.h). Every
response to a documented path must be documented for its method and status (an error
status may use the operation's `default`), have a documented content type, and a JSON body
must validate against the schema (JSON Schema 2020-12). A response to an /api/ path the
document does not know must be an error with the Error schema (404 and friends). Other
paths (static files) are not part of the API and are counted only. Fails when a response
breaks these rules, when nothing was validated, and when an operation named by --require
got no validated response.
"""
import base64
import collections
import glob
import gzip
import json
import os
import re
import sys

import jsonschema

# Answers the transport gives any path: a CORS preflight (204, no body), HEAD (the GET's
# head), and with TLS the redirect port's 308 to https:// (API.md "TLS").
PREFLIGHT_STATUS = 204


def load_records(directory):
    records = []
    for name in sorted(glob.glob(os.path.join(directory, "responses-*.jsonl"))):
        with open(name, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    records.append((f"{os.path.basename(name)}:{number}", json.loads(line)))
    return records


def path_matchers(doc):
    out = []
    for template in doc["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        out.append((re.compile(pattern), template))
    # Literal paths before templates, so /api/auth/sessions never matches a template.
    out.sort(key=lambda m: "{" in m[1])
    return out


def find_template(matchers, path):
    for pattern, template in matchers:
        if pattern.match(path):
            return template
    return None


def body_of(record):
    raw = base64.b64decode(record["body_base64"])
    if record.get("content_encoding") == "gzip" and raw:
        raw = gzip.decompress(raw)
    return raw


class Validator:
    def __init__(self, doc):
        self.doc = doc
        self.matchers = path_matchers(doc)
        self.validated = collections.Counter()  # (operationId, status) -> count
        self.outside = 0
        self.preflights = 0
        self.failures = []

    def schema_check(self, where, record, schema):
        if record.get("truncated"):
            return True  # the head of a long body is not JSON; its type was checked
        try:
            value = json.loads(body_of(record))
        except (ValueError, OSError) as e:
            self.failures.append(f"{where}: body is not JSON ({e})")
            return False
        # The components travel with the schema so that its $refs resolve in place.
        root = dict(schema)
        root["components"] = self.doc["components"]
        errors = sorted(jsonschema.Draft202012Validator(root).iter_errors(value),
                        key=lambda e: list(e.absolute_path))
        for error in errors[:3]:
            # For oneOf/anyOf, what each alternative found wrong (the message alone is the
            # whole value).
            for e in (error.context or [error])[:6]:
                path = "/".join(str(p) for p in e.absolute_path)
                self.failures.append(f"{where}: at '{path}': {e.message[:200]}")
        return not errors

    def check_response(self, where, record, response):
        response = self.resolve(response)
        content = response.get("content")
        raw_length = len(base64.b64decode(record["body_base64"]))
        if not content:
            if raw_length and record["method"] != "HEAD":
                self.failures.append(f"{where}: documented without a body, got {raw_length} bytes")
                return False
            return True
        media = record.get("content_type", "").split(";")[0].strip()
        if media not in content:
            self.failures.append(f"{where}: content type '{media}' not documented "
                                 f"(documented: {', '.join(content)})")
            return False
        if record["method"] == "HEAD" or media != "application/json":
            return True
        return self.schema_check(where, record, content[media]["schema"])

    def resolve(self, node):
        while "$ref" in node:
            target = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def check(self, where, record):
        method, path, status = record["method"], record["path"], record["status"]
        where = f"{where} {method} {path} -> {status}"
        if status == 308 and record.get("location", "").startswith("https://"):
            self.validated[("(redirect to HTTPS)", status)] += 1  # HTTP_REDIRECT_PORT
            return
        template = find_template(self.matchers, path)
        if template is None:
            if not path.startswith("/api/"):
                self.outside += 1
                return
            if status < 400:
                self.failures.append(f"{where}: undocumented /api/ path answered {status}")
                return
            if self.check_response(where, record, {"$ref": "#/components/responses/Error"}):
                self.validated[("(unknown /api/ path)", status)] += 1
            return
        if method == "OPTIONS":
            if status != PREFLIGHT_STATUS:
                self.failures.append(f"{where}: a preflight answers {PREFLIGHT_STATUS}")
            self.preflights += 1
            return
        item = self.doc["paths"][template]
        operation = item.get(method.lower()) or (item.get("get") if method == "HEAD" else None)
        if operation is None:
            # 405, or what the transport answers before routing (413 body, 431 head, ...).
            if status < 400:
                self.failures.append(f"{where}: method not documented for {template}")
            elif self.check_response(where, record, {"$ref": "#/components/responses/Error"}):
                self.validated[(f"({method} {template}, undocumented method)", status)] += 1
            return
        responses = operation["responses"]
        response = responses.get(str(status))
        if response is None and status >= 400:
            response = responses.get("default")
        if response is None:
            self.failures.append(f"{where}: no schema for status {status} of "
                                 f"{operation['operationId']}")
            return
        if self.check_response(where, record, response):
            self.validated[(operation["operationId"], status)] += 1


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    required = argv[argv.index("--require") + 1:] if "--require" in argv else []
    records = load_records(argv[2])
    validator = Validator(doc)
    for where, record in records:
        validator.check(where, record)
    by_operation = collections.Counter()
    for (operation, status), count in sorted(validator.validated.items()):
        print(f"  {operation} {status}: {count}")
        by_operation[operation] += count
    total = sum(by_operation.values())
    print(f"{len(records)} recorded responses, {total} validated, "
          f"{validator.outside} outside the API (static files), {validator.preflights} "
          "CORS preflights")
    for operation in required:
        if by_operation[operation] == 0:
            validator.failures.append(f"no recorded response of {operation} (required)")
    if total == 0:
        validator.failures.append(f"nothing recorded in {argv[2]}: did the integration tests run?")
    for failure in validator.failures[:200]:
        print("FAIL", failure)
    if validator.failures:
        print(f"{len(validator.failures)} failures")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
