#!/usr/bin/env python3
"""Peer check of the OTLP logs encoder: decodes the protobuf body with the official
opentelemetry-proto bindings and compares it with the request the test expects.

usage: logs_otlp_peer_check.py REQUEST.pb EXPECTED.json

EXPECTED.json is an ExportLogsServiceRequest in the proto3 JSON mapping, except that traceId and
spanId are written as hex (as OTLP/JSON does); they are turned into base64 before the strict parse.
The protobuf must decode, hold no field unknown to opentelemetry-proto (a wrong field number
shows up as one), equal the expected message, and set every LogRecord field the encoder writes
(so that a field missing from both sides cannot pass unnoticed).
Exits 0 and prints "OK ..." on success; prints what differs and exits 1 otherwise (2 on bad
usage, 3 when the checker itself breaks).
"""
import base64
import difflib
import json
import sys

from google.protobuf import json_format, text_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

ID_FIELDS = {"traceId": 32, "spanId": 16}

REQUIRED_FIELDS = {
    "ExportLogsServiceRequest": {"resource_logs"},
    "ResourceLogs": {"resource", "scope_logs"},
    "Resource": {"attributes"},
    "ScopeLogs": {"scope", "log_records"},
    "InstrumentationScope": {"name", "version"},
    "LogRecord": {"time_unix_nano", "observed_time_unix_nano", "severity_number", "severity_text",
                  "body", "attributes", "flags", "trace_id", "span_id"},
    "KeyValue": {"key", "value"},
    "AnyValue": {"string_value", "bool_value", "int_value", "double_value"},
}


def hex_ids_to_base64(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ID_FIELDS and isinstance(value, str):
                node[key] = base64.b64encode(bytes.fromhex(value)).decode()
            else:
                hex_ids_to_base64(value)
    elif isinstance(node, list):
        for item in node:
            hex_ids_to_base64(item)


def is_repeated(field):
    if hasattr(field, "is_repeated"):  # protobuf >= 6 (label is gone in 7)
        return field.is_repeated
    return field.label == field.LABEL_REPEATED


def unknown_field_count(message):
    from google.protobuf import unknown_fields
    count = len(unknown_fields.UnknownFieldSet(message))
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        items = value if is_repeated(field) else [value]
        count += sum(unknown_field_count(item) for item in items)
    return count


def collect_set_fields(message, seen):
    names = seen.setdefault(message.DESCRIPTOR.name, set())
    for field, value in message.ListFields():
        names.add(field.name)
        if field.message_type is not None:
            items = value if is_repeated(field) else [value]
            for item in items:
                collect_set_fields(item, seen)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        wire = f.read()
    with open(sys.argv[2], encoding="utf-8") as f:
        expected_json = json.load(f)

    failures = []
    decoded = ExportLogsServiceRequest()
    try:
        decoded.ParseFromString(wire)
    except Exception as e:  # noqa: BLE001 - any decode error is the finding
        print(f"FAIL: the protobuf body does not decode: {e}")
        return 1

    hex_ids_to_base64(expected_json)
    expected = ExportLogsServiceRequest()
    json_format.ParseDict(expected_json, expected, ignore_unknown_fields=False)

    unknown = unknown_field_count(decoded)
    if unknown:
        failures.append(f"the protobuf body has {unknown} field(s) unknown to opentelemetry-proto")
    if decoded != expected:
        a = text_format.MessageToString(expected).splitlines()
        b = text_format.MessageToString(decoded).splitlines()
        diff = "\n".join(difflib.unified_diff(a, b, "expected", "from protobuf", lineterm="", n=2))
        failures.append("the protobuf body differs from the expected request:\n" + diff)
    seen = {}
    collect_set_fields(decoded, seen)
    for name, fields in REQUIRED_FIELDS.items():
        missing = fields - seen.get(name, set())
        if missing:
            failures.append(f"the test records never set {name}.{', '.join(sorted(missing))}")

    if failures:
        for message in failures:
            print("FAIL: " + message)
        return 1
    records = sum(len(sl.log_records) for rl in decoded.resource_logs for sl in rl.scope_logs)
    print(f"OK: {records} log records, {len(wire)} protobuf bytes, equal to the expected request")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001 - a broken checker must not look like a finding
        import traceback
        traceback.print_exc()
        sys.exit(3)
