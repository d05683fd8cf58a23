package main

// The C++ enricher's cases (agents/enricher/test/enrichment_test.cpp), so both peers apply the
// same rules, and the envelope checks of libs/kafka's decode.

import (
	"encoding/json"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

func enriched(t *testing.T, data string) map[string]any {
	t.Helper()
	out, verr := Enrich([]byte(data), "enricher@test")
	if verr != nil {
		t.Fatalf("%s rejected: %v", data, verr)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func reason(data string) string {
	if _, verr := Enrich([]byte(data), "enricher@test"); verr != nil {
		return verr.Reason
	}
	return "accepted"
}

func TestAddsAmountConversionTierRegionAndKeepsTheInput(t *testing.T) {
	out := enriched(t, `{"customer":"c-1","amount_cents":12345,"currency":"USD","country":"US","note":"x"}`)
	want := map[string]any{"amount": "123.45", "amount_eur_cents": 11357.0, "tier": "medium", "region": "NA",
		"enriched_by": "enricher@test", "note": "x", "customer": "c-1"}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("%s = %v, want %v", k, out[k], v)
		}
	}
}

func TestTierBoundariesAreInEuroCents(t *testing.T) {
	for data, tier := range map[string]string{
		`{"customer":"c","amount_cents":9999,"currency":"EUR"}`:    "small",
		`{"customer":"c","amount_cents":10000,"currency":"EUR"}`:   "medium",
		`{"customer":"c","amount_cents":1000000,"currency":"EUR"}`: "large",
	} {
		if got := enriched(t, data)["tier"]; got != tier {
			t.Errorf("%s: tier %v, want %s", data, got, tier)
		}
	}
	if got := enriched(t, `{"customer":"c","amount_cents":5,"currency":"EUR"}`)["amount"]; got != "0.05" {
		t.Errorf("amount %v, want 0.05", got)
	}
}

func TestRegionFallsBackForUnknownAndMissingCountry(t *testing.T) {
	if got := enriched(t, `{"customer":"c","amount_cents":1,"currency":"EUR","country":"BR"}`)["region"]; got != "OTHER" {
		t.Errorf("region %v, want OTHER", got)
	}
	if got := enriched(t, `{"customer":"c","amount_cents":1,"currency":"EUR"}`)["region"]; got != "UNKNOWN" {
		t.Errorf("region %v, want UNKNOWN", got)
	}
}

func TestRejectsInvalidDataWithTheFieldInTheReason(t *testing.T) {
	for data, want := range map[string]string{
		`[1,2]`:                               "validation:data",
		`{not json`:                           "validation:data",
		`{"amount_cents":1,"currency":"EUR"}`: "validation:customer",
		`{"customer":"","amount_cents":1,"currency":"EUR"}`:                    "validation:customer",
		`{"customer":"c","amount_cents":-1,"currency":"EUR"}`:                  "validation:amount_cents",
		`{"customer":"c","amount_cents":1.5,"currency":"EUR"}`:                 "validation:amount_cents",
		`{"customer":"c","amount_cents":1e3,"currency":"EUR"}`:                 "validation:amount_cents",
		`{"customer":"c","amount_cents":"10","currency":"EUR"}`:                "validation:amount_cents",
		`{"customer":"c","amount_cents":1,"currency":"eur"}`:                   "validation:currency",
		`{"customer":"c","amount_cents":1,"currency":"XXX"}`:                   "validation:currency",
		`{"customer":"c","amount_cents":0,"currency":"GBP"}`:                   "accepted",
		`{"customer":"c","amount_cents":9223372036854775808,"currency":"GBP"}`: "validation:amount_cents",
	} {
		if got := reason(data); got != want {
			t.Errorf("%s: %s, want %s", data, got, want)
		}
	}
}

func record(value string, headers ...string) *kgo.Record {
	r := &kgo.Record{Topic: "in", Value: []byte(value)}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Headers = append(r.Headers, kgo.RecordHeader{Key: headers[i], Value: []byte(headers[i+1])})
	}
	return r
}

var validHeaders = []string{"ce_specversion", "1.0", "ce_id", "id-1", "ce_source", "src", "ce_type", "order.created",
	"ce_time", "2026-12-02T10:00:00.123Z", "content-type", "application/json; charset=utf-8", "ce_tenant", "t1",
	"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}

func TestDecodeKeepsTheEnvelopeAndCarriesExtraHeaders(t *testing.T) {
	event, derr := Decode(record(`{"a":1}`, validHeaders...))
	if derr != nil {
		t.Fatal(derr.Reason())
	}
	if event.ID != "id-1" || event.Type != "order.created" || len(event.Extra) != 1 || event.Extra[0].Key != "ce_tenant" {
		t.Errorf("decoded %+v", event)
	}
}

func TestDecodeRejectsInTheCppOrder(t *testing.T) {
	with := func(key, value string) []string {
		h := append([]string(nil), validHeaders...)
		for i := 0; i < len(h); i += 2 {
			if h[i] == key {
				h[i+1] = value
			}
		}
		return h
	}
	cases := map[string]*kgo.Record{
		"missing_header":   record(`{}`, with("ce_id", "")...),
		"bad_specversion":  record(`{}`, with("ce_specversion", "0.3")...),
		"bad_content_type": record(`{}`, with("content-type", "text/plain")...),
		"bad_time":         record(`{}`, with("ce_time", "2026-02-30T10:00:00Z")...),
		"bad_json":         record(`[1]`, validHeaders...),
	}
	for want, r := range cases {
		if _, derr := Decode(r); derr == nil || derr.Reason() != want {
			t.Errorf("want %s, got %+v", want, derr)
		}
	}
}

func TestRFC3339AsTheCppParser(t *testing.T) {
	for text, want := range map[string]bool{
		"2026-12-02T10:00:00Z": true, "2026-12-02t10:00:00.5+01:30": true, "2024-02-29T23:59:60z": true,
		"2026-12-02 10:00:00Z": false, "2026-12-02T10:00:00": false, "2026-12-02T10:00:00.Z": false,
		"2025-02-29T10:00:00Z": false, "2026-12-02T24:00:00Z": false, "2026-12-02T10:00:00+0100": false,
	} {
		if got := ValidRFC3339(text); got != want {
			t.Errorf("%s: %v, want %v", text, got, want)
		}
	}
}

func TestHeaderCarrierReplacesTheUpstreamTraceparent(t *testing.T) {
	headers := []kgo.RecordHeader{{Key: "traceparent", Value: []byte("old")}}
	headerCarrier{&headers}.Set("traceparent", "new")
	if len(headers) != 1 || string(headers[0].Value) != "new" {
		t.Errorf("headers %v", headers)
	}
}
