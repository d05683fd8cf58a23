#!/usr/bin/env python3
"""Peer check of the OTLP encoders: decodes the protobuf body with the official opentelemetry-proto
bindings and compares every field with the JSON body of the same spans.

usage: otlp_peer_check.py REQUEST.pb REQUEST.json

The JSON is first checked against OTLP/JSON's own rules (ids as lowercase hex, 64-bit integers as
decimal strings, enums as integers), then turned into proto3 JSON (ids as base64) and parsed
strictly into a second ExportTraceServiceRequest. The two messages must be equal, the protobuf
must hold no field unknown to opentelemetry-proto, and the spans must exercise every field the
encoders write (so that a field both encoders left out cannot pass unnoticed).
Exits 0 and prints "OK ..." on success; prints what differs and exits 1 otherwise (2 on bad
usage, 3 when the checker itself breaks).
"""
import base64
import difflib
import json
import math
import re
import sys

from google.protobuf import json_format, text_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

ID_FIELDS = {"traceId": 32, "spanId": 16, "parentSpanId": 16}
INT64_STRING_FIELDS = {"startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue"}
ENUM_FIELDS = {"kind", "code"}

# Fields the test spans must set somewhere (message name -> field names), beyond what proto3
# equality checks: a field neither encoder writes would otherwise compare equal.
REQUIRED_FIELDS = {
    "ExportTraceServiceRequest": {"resource_spans"},
    "ResourceSpans": {"resource", "scope_spans"},
    "Resource": {"attributes"},
    "ScopeSpans": {"scope", "spans"},
    "InstrumentationScope": {"name", "version"},
    "Span": {"trace_id", "span_id", "trace_state", "parent_span_id", "flags", "name", "kind",
             "start_time_unix_nano", "end_time_unix_nano", "attributes", "dropped_attributes_count",
             "events", "dropped_events_count", "links", "dropped_links_count", "status"},
    "Event": {"time_unix_nano", "name", "attributes", "dropped_attributes_count"},
    "Link": {"trace_id", "span_id", "trace_state", "attributes", "flags"},
    "Status": {"message", "code"},
    "KeyValue": {"key", "value"},
    "AnyValue": {"string_value", "bool_value", "int_value", "double_value"},
}

failures = []


def fail(message):
    failures.append(message)


def check_otlp_json_rules(node, path="$"):
    """OTLP/JSON differs from the plain proto3 JSON mapping; check its rules on the raw text."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key in ID_FIELDS:
                if not (isinstance(value, str) and re.fullmatch(f"[0-9a-f]{{{ID_FIELDS[key]}}}", value)):
                    fail(f"{where}: expected {ID_FIELDS[key]} lowercase hex digits, got {value!r}")
            elif key in INT64_STRING_FIELDS:
                if not (isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value)):
                    fail(f"{where}: expected a 64-bit integer as a decimal string, got {value!r}")
            elif key in ENUM_FIELDS:
                if not (isinstance(value, int) and not isinstance(value, bool)):
                    fail(f"{where}: expected an enum as an integer, got {value!r}")
            check_otlp_json_rules(value, where)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            check_otlp_json_rules(item, f"{path}[{i}]")


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
        raw_json = json.load(f)

    from_protobuf = ExportTraceServiceRequest()
    try:
        from_protobuf.ParseFromString(wire)
    except Exception as e:  # noqa: BLE001 - any decode error is the finding
        print(f"FAIL: the protobuf body does not decode: {e}")
        return 1

    check_otlp_json_rules(raw_json)
    hex_ids_to_base64(raw_json)
    from_json = ExportTraceServiceRequest()
    try:
        json_format.ParseDict(raw_json, from_json, ignore_unknown_fields=False)
    except json_format.ParseError as e:
        fail(f"the JSON body is not a valid ExportTraceServiceRequest: {e}")

    unknown = unknown_field_count(from_protobuf)
    if unknown:
        fail(f"the protobuf body has {unknown} field(s) unknown to opentelemetry-proto (wrong field number?)")

    if from_protobuf != from_json:
        a = text_format.MessageToString(from_json).splitlines()
        b = text_format.MessageToString(from_protobuf).splitlines()
        diff = "\n".join(difflib.unified_diff(a, b, "from JSON", "from protobuf", lineterm="", n=2))
        fail("the protobuf and JSON encodings differ:\n" + diff)

    seen = {}
    collect_set_fields(from_protobuf, seen)
    for name, fields in REQUIRED_FIELDS.items():
        missing = fields - seen.get(name, set())
        if missing:
            fail(f"the test spans never set {name}.{', '.join(sorted(missing))}")
    spans = [s for rs in from_protobuf.resource_spans for ss in rs.scope_spans for s in ss.spans]
    kinds = {s.kind for s in spans}
    if kinds != {1, 2, 3, 4, 5}:
        fail(f"the test spans cover kinds {sorted(kinds)}, not all of INTERNAL..CONSUMER")
    codes = {s.status.code for s in spans}
    if codes != {0, 1, 2}:
        fail(f"the test spans cover status codes {sorted(codes)}, not UNSET, OK and ERROR")
    doubles = [kv.value.double_value for s in spans for kv in s.attributes if kv.value.HasField("double_value")]
    if not any(math.isinf(d) for d in doubles):
        fail("the test spans have no infinite double attribute")

    if failures:
        for message in failures:
            print("FAIL: " + message)
        return 1
    print(f"OK: {len(spans)} spans, {len(wire)} protobuf bytes, every field equal to the JSON encoding")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001 - a broken checker must not look like a finding
        import traceback
        traceback.print_exc()
        sys.exit(3)
