#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ from the inputs the
unit tests use: string literals read out of the test sources (traceparent and tracestate values,
event data, POST bodies, RFC 3339 times, label values), combined into each target's input layout
(fields separated by 0x1f, see fuzz/fuzz_input.h). Deterministic: run it again after the tests
change and commit the result.  Usage: fuzz/seed_corpus.py"""
import hashlib
import os
import re
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEP = b"\x1f"
TESTS = ["libs/telemetry/test/trace_propagation_test.cpp", "libs/kafka/test/envelope_test.cpp",
         "libs/kafka/test/rfc3339_test.cpp", "agents/enricher/test/enrichment_test.cpp",
         "agents/publisher/test/event_factory_test.cpp", "libs/telemetry/test/logs_json_escape_test.cpp",
         "libs/telemetry/test/metrics_exposition_test.cpp", "libs/telemetry/test/http_server_test.cpp",
         "libs/telemetry/test/trace_otlp_json_test.cpp"]


def literals():
    """Every string literal of the test sources, raw strings included, unescaped."""
    found = []
    for path in TESTS:
        text = open(os.path.join(ROOT, path), encoding="utf-8").read()
        found += re.findall(r'R"\((.*?)\)"', text, flags=re.S)
        for plain in re.findall(r'(?<![R\w])"((?:[^"\\\n]|\\.)*)"', text):
            try:
                found.append(plain.encode("latin-1", "backslashreplace").decode("unicode_escape"))
            except UnicodeDecodeError:
                found.append(plain)
    return [s.encode("utf-8", "surrogateescape") for s in dict.fromkeys(found)]


def classify(values):
    kinds = {"traceparent": [], "tracestate": [], "json": [], "time": [], "text": []}
    for v in values:
        if re.fullmatch(rb"[0-9a-fA-F]{2}-.*", v):
            kinds["traceparent"].append(v)
        elif re.fullmatch(rb"\d{4}-\d{1,2}-\d{1,2}.*", v):
            kinds["time"].append(v)
        elif v.startswith((b"{", b"[")):
            kinds["json"].append(v)
        elif b"=" in v and b" " not in v.strip():
            kinds["tracestate"].append(v)
        else:
            kinds["text"].append(v)
    return kinds


def record(data, time=b"2024-05-01T12:00:00Z", extra=()):
    headers = [b"ce_specversion", b"1.0", b"ce_id", b"id-1", b"ce_source", b"/test",
               b"ce_type", b"order.created", b"ce_time", time, b"content-type", b"application/json",
               b"ce_subject", b"o-1", b"traceparent",
               b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", *extra]
    return SEP.join([b"ko-1", data, *headers])


def http_post(body):
    return (b"POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def seeds(k):
    json_values = k["json"] or [b"{}"]
    return {
        "trace_context": [SEP.join([p, s]) for p in k["traceparent"] for s in (k["tracestate"][:4] or [b""])],
        "cloudevents_decode": [record(j) for j in json_values] + [record(b"{}", t) for t in k["time"]]
                              + [record(b'{"a":1}', extra=(b"ce_tenant", b"t1", b"ce_id", b""))],
        "enricher": json_values,
        "http_request": [http_post(j) for j in json_values]
                        + [b"GET /metrics HTTP/1.1\r\nAccept: application/openmetrics-text; version=1.0.0\r\n\r\n",
                           b"GET /ready HTTP/1.1\r\n\r\n", b"GET /health?x=1 HTTP/1.0\r\n\r\n",
                           b"DELETE /events HTTP/1.1\r\n\r\n", b"GET /nope HTTP/1.1\r\n\r\n"],
        "metrics_exposition": [SEP.join([b"text/plain", t, b"/src"]) for t in k["text"][:40]]
                              + [b"application/openmetrics-text;q=0.9, */*;q=0.1" + SEP + b'a"b\\c\nd' + SEP + b"\xff"],
        "json_log": [SEP.join([t, b"key", t, b"#n", b"\x00\x00\x00\x00\x00\x00\xf0\x7f"]) for t in k["text"][:40]],
        "otlp_encode": [SEP.join([t, s, t, b"\x02", b"event", b"key", t, b"#d", b"12345678", b"!i", b"\xff" * 8])
                        for t in k["text"][:20] for s in (k["tracestate"][:2] or [b""])],
    }


def main():
    for target, inputs in seeds(classify(literals())).items():
        directory = os.path.join(ROOT, "fuzz", "corpus", target)
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        for data in dict.fromkeys(inputs):
            with open(os.path.join(directory, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)
        print(f"{target}: {len(os.listdir(directory))} seeds")


if __name__ == "__main__":
    main()
