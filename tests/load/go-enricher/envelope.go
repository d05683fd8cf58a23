package main

// The event envelope, checked as libs/kafka/src/envelope/event.cpp does: CloudEvents 1.0 in
// Kafka binary content mode (ce_* headers, the data as the record value). Checks in this order:
// size, required headers, spec version, content type, time, JSON object.

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

const maxRecordBytes = 1024 * 1024

// Event is a decoded record: the envelope attributes and the headers carried along.
type Event struct {
	ID, Source, Type, Time string
	Subject                *string
	Data                   []byte
	Extra                  []kgo.RecordHeader // non-envelope, non-trace headers
}

// DecodeError says why a record is not a valid event; Reason() is the DLQ reason (the code
// alone, as the C++ agents give it; the detail names the header).
type DecodeError struct {
	Code, Detail      string
	EventType, Source string // best effort, for metric labels
}

func (e *DecodeError) Reason() string {
	return e.Code
}

var requiredHeaders = [...]string{"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"}

var reservedHeaders = map[string]bool{
	"ce_specversion": true, "ce_id": true, "ce_source": true, "ce_type": true, "ce_time": true,
	"ce_subject": true, "content-type": true, "traceparent": true, "tracestate": true,
}

// lastHeader: duplicate headers, the last one wins (Kafka semantics of "the" header value).
func lastHeader(headers []kgo.RecordHeader, key string) (string, bool) {
	for i := len(headers) - 1; i >= 0; i-- {
		if headers[i].Key == key {
			return string(headers[i].Value), true
		}
	}
	return "", false
}

func isJSONMediaType(contentType string) bool {
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	return strings.EqualFold(strings.Trim(contentType, " \t"), "application/json")
}

// Decode checks a consumed record and returns its event.
func Decode(r *kgo.Record) (*Event, *DecodeError) {
	fail := func(code, detail string) (*Event, *DecodeError) {
		t, _ := lastHeader(r.Headers, "ce_type")
		s, _ := lastHeader(r.Headers, "ce_source")
		return nil, &DecodeError{Code: code, Detail: detail, EventType: t, Source: s}
	}
	size := len(r.Key) + len(r.Value)
	for _, h := range r.Headers {
		size += len(h.Key) + len(h.Value)
	}
	if size > maxRecordBytes {
		return fail("oversized", strconv.Itoa(size)+" bytes exceed the limit of "+strconv.Itoa(maxRecordBytes))
	}
	var values [len(requiredHeaders)]string
	for i, name := range requiredHeaders {
		v, ok := lastHeader(r.Headers, name)
		if !ok || v == "" {
			return fail("missing_header", name)
		}
		values[i] = v
	}
	if values[0] != "1.0" {
		return fail("bad_specversion", "ce_specversion is '"+values[0]+"'")
	}
	if !isJSONMediaType(values[5]) {
		return fail("bad_content_type", "content-type is '"+values[5]+"'")
	}
	if !ValidRFC3339(values[4]) {
		return fail("bad_time", "ce_time '"+values[4]+"' is not RFC 3339")
	}
	if !json.Valid(r.Value) {
		return fail("bad_json", "the value is not well-formed JSON")
	}
	if first := firstNonSpace(r.Value); first != '{' {
		return fail("bad_json", "data is not a JSON object")
	}
	event := &Event{ID: values[1], Source: values[2], Type: values[3], Time: values[4], Data: r.Value}
	if subject, ok := lastHeader(r.Headers, "ce_subject"); ok {
		event.Subject = &subject
	}
	for _, h := range r.Headers {
		if !reservedHeaders[h.Key] {
			event.Extra = append(event.Extra, h)
		}
	}
	return event, nil
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c
		}
	}
	return 0
}

// Encode is the record headers of an event: the envelope first, then the carried headers.
func (e *Event) Encode() []kgo.RecordHeader {
	headers := make([]kgo.RecordHeader, 0, 9+len(e.Extra))
	add := func(k, v string) { headers = append(headers, kgo.RecordHeader{Key: k, Value: []byte(v)}) }
	add("ce_specversion", "1.0")
	add("ce_id", e.ID)
	add("ce_source", e.Source)
	add("ce_type", e.Type)
	add("ce_time", e.Time)
	if e.Subject != nil {
		add("ce_subject", *e.Subject)
	}
	add("content-type", "application/json")
	return append(headers, e.Extra...)
}
