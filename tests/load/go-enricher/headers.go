package main

import "github.com/twmb/franz-go/pkg/kgo"

// headerCarrier lets the W3C propagator read and write Kafka record headers.
type headerCarrier struct{ headers *[]kgo.RecordHeader }

func (c headerCarrier) Get(key string) string {
	v, _ := lastHeader(*c.headers, key)
	return v
}

// Set replaces the header when present (an upstream traceparent gives way to ours).
func (c headerCarrier) Set(key, value string) {
	for i := range *c.headers {
		if (*c.headers)[i].Key == key {
			(*c.headers)[i].Value = []byte(value)
			return
		}
	}
	*c.headers = append(*c.headers, kgo.RecordHeader{Key: key, Value: []byte(value)})
}

func (c headerCarrier) Keys() []string {
	keys := make([]string, 0, len(*c.headers))
	for _, h := range *c.headers {
		keys = append(keys, h.Key)
	}
	return keys
}

// truncateDetail cuts a DLQ detail to at most max bytes on a UTF-8 boundary, marked with "…".
func truncateDetail(detail string, max int) string {
	if len(detail) <= max {
		return detail
	}
	const ellipsis = "\u2026"
	cut := max - len(ellipsis)
	for cut > 0 && detail[cut]&0xC0 == 0x80 {
		cut--
	}
	return detail[:cut] + ellipsis
}
