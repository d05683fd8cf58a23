package main

// The enricher's domain step, the same rules as agents/enricher/enrichment.cpp: validate an
// event's data and add what downstream consumers need. Every event type carries
// {"customer": string, "amount_cents": integer >= 0, "currency": 3 uppercase letters};
// "country" is optional. Enrichment adds amount, amount_eur_cents, tier, region, enriched_by.

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// ValidationError is a rejected event: Reason is the DLQ reason and metric label.
type ValidationError struct {
	Reason string // "validation:<field>"
	Detail string
}

func (e *ValidationError) Error() string { return e.Reason + ": " + e.Detail }

// Fixed reference rates: the point is a deterministic enrichment step, not live FX.
var eurPerUnit = map[string]float64{
	"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "JPY": 0.0062, "CHF": 1.04, "SEK": 0.087,
}

var regionOf = map[string]string{
	"DE": "EU", "FR": "EU", "NL": "EU", "ES": "EU", "IT": "EU", "SE": "EU", "PL": "EU", "IE": "EU",
	"US": "NA", "CA": "NA", "MX": "NA",
	"JP": "APAC", "AU": "APAC", "SG": "APAC", "IN": "APAC", "CN": "APAC",
}

func invalid(field, detail string) *ValidationError {
	return &ValidationError{Reason: "validation:" + field, Detail: detail}
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func decimal(cents int64) string {
	frac := cents % 100
	sep := "."
	if frac < 10 {
		sep = ".0"
	}
	return strconv.FormatInt(cents/100, 10) + sep + strconv.FormatInt(frac, 10)
}

func tierOf(eurCents int64) string {
	switch {
	case eurCents < 100_00:
		return "small"
	case eurCents < 10_000_00:
		return "medium"
	default:
		return "large"
	}
}

// stringField is the field's value when it is a JSON string.
func stringField(data map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := data[key]
	if !ok || len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// amountCents reads amount_cents as boost.json classifies numbers: an integer literal in the
// int64 range (a fraction or exponent makes it a double, which is rejected).
func amountCents(data map[string]json.RawMessage) (int64, *ValidationError) {
	raw, ok := data["amount_cents"]
	text := string(bytes.TrimSpace(raw))
	if !ok || text == "" || bytes.ContainsAny(raw, ".eE\"") || !(text[0] == '-' || (text[0] >= '0' && text[0] <= '9')) {
		return 0, invalid("amount_cents", "amount_cents must be an integer")
	}
	cents, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		if _, uerr := strconv.ParseUint(text, 10, 64); uerr == nil {
			return 0, invalid("amount_cents", "amount_cents must be between 0 and 2^63-1")
		}
		return 0, invalid("amount_cents", "amount_cents must be an integer")
	}
	if cents < 0 {
		return 0, invalid("amount_cents", "amount_cents must be between 0 and 2^63-1")
	}
	return cents, nil
}

// Enrich validates `dataJSON` and returns it with the enrichment fields added.
func Enrich(dataJSON []byte, enrichedBy string) ([]byte, *ValidationError) {
	var data map[string]json.RawMessage
	if json.Unmarshal(dataJSON, &data) != nil || data == nil {
		return nil, invalid("data", "data is not a JSON object")
	}
	if customer, ok := stringField(data, "customer"); !ok || customer == "" {
		return nil, invalid("customer", "customer must be a non-empty string")
	}
	cents, verr := amountCents(data)
	if verr != nil {
		return nil, verr
	}
	code, ok := stringField(data, "currency")
	if !ok || !isCurrencyCode(code) {
		return nil, invalid("currency", "currency must be a 3-letter uppercase ISO 4217 code")
	}
	rate, ok := eurPerUnit[code]
	if !ok {
		return nil, invalid("currency", "no reference rate for "+code)
	}
	eurCents := int64(math.Floor(float64(cents)*rate + 0.5))
	region := "UNKNOWN"
	if country, ok := stringField(data, "country"); ok {
		region = "OTHER"
		if r, known := regionOf[country]; known {
			region = r
		}
	}
	data["amount"] = quoted(decimal(cents))
	data["amount_eur_cents"] = json.RawMessage(strconv.FormatInt(eurCents, 10))
	data["tier"] = quoted(tierOf(eurCents))
	data["region"] = quoted(region)
	data["enriched_by"] = quoted(enrichedBy)
	out, err := json.Marshal(data)
	if err != nil {
		return nil, invalid("data", err.Error())
	}
	return out, nil
}

func quoted(s string) json.RawMessage {
	out, _ := json.Marshal(s) // a string always marshals
	return out
}
