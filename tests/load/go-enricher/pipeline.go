package main

// The per-record path, as libs/kafka's Consumer and Producer do it: a CONSUMER span
// "process <topic>" (child of the traceparent in the record's headers, or linked to it in link
// mode), validation and enrichment, a PRODUCER span "send <topic>" whose context is injected into
// the output's headers and which ends at the broker's acknowledgement; invalid records go to
// <input>.dlq. Offsets are committed only once every output of a poll's records is acknowledged.

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Pipeline handles polled records; Settings are its configuration.
type Pipeline struct {
	Settings
	client  *kgo.Client
	tel     *Telemetry
	metrics *Metrics
	pending chan *pollBatch
	drained chan struct{}
}

// pollBatch: one poll's records, marked for commit when all their outputs are acknowledged.
type pollBatch struct {
	records []*kgo.Record
	acked   sync.WaitGroup
}

func NewPipeline(s Settings, client *kgo.Client, tel *Telemetry, metrics *Metrics) *Pipeline {
	p := &Pipeline{Settings: s, client: client, tel: tel, metrics: metrics,
		pending: make(chan *pollBatch, 64), drained: make(chan struct{})}
	go p.markInOrder()
	return p
}

// markInOrder marks batches in poll order, so a commit never passes an unacknowledged record.
func (p *Pipeline) markInOrder() {
	defer close(p.drained)
	for b := range p.pending {
		b.acked.Wait()
		p.client.MarkCommitRecords(b.records...)
	}
}

// Close waits for every output in flight to be acknowledged and marked.
func (p *Pipeline) Close() {
	close(p.pending)
	<-p.drained
}

func (p *Pipeline) Handle(fetches kgo.Fetches) {
	b := &pollBatch{records: make([]*kgo.Record, 0, fetches.NumRecords())}
	fetches.EachRecord(func(r *kgo.Record) {
		b.records = append(b.records, r)
		p.handle(r, b)
	})
	p.pending <- b
}

func orUnknown(label string) string {
	if label == "" {
		return "unknown"
	}
	return label
}

func (p *Pipeline) handle(r *kgo.Record, b *pollBatch) {
	received := time.Now()
	event, decodeErr := Decode(r)
	ctx, span := p.startProcessSpan(r, event, decodeErr)
	defer span.End()
	if decodeErr != nil {
		p.reject(ctx, span, r, decodeErr.Code, decodeErr.Reason(), decodeErr.Detail,
			orUnknown(decodeErr.EventType), orUnknown(decodeErr.Source), received, b)
		return
	}
	started := time.Now()
	enriched, invalid := Enrich(event.Data, p.EnrichedBy)
	if invalid != nil {
		p.reject(ctx, span, r, invalid.Reason, invalid.Reason, invalid.Detail, event.Type, event.Source, received, b)
		return
	}
	p.tel.Log.InfoContext(ctx, "event enriched", "event_id", event.ID, "event_type", event.Type,
		"duration_ms", float64(time.Since(started).Microseconds())/1000)
	headers := event.Encode()
	key := r.Key
	if key == nil && event.Subject != nil {
		key = []byte(*event.Subject)
	}
	out := &kgo.Record{Topic: p.OutputTopic, Key: key, Value: enriched, Headers: headers}
	success := func() {
		p.metrics.Processed.WithLabelValues(event.Type, event.Source, "true").Inc()
		p.metrics.Duration.WithLabelValues(event.Type, event.Source).Observe(time.Since(received).Seconds())
	}
	p.send(ctx, out, b, success)
}

func appendEventAttributes(attrs []attribute.KeyValue, id, eventType, source string, subject *string) []attribute.KeyValue {
	for _, a := range [...]attribute.KeyValue{attribute.String("event.id", id),
		attribute.String("event.type", eventType), attribute.String("event.source", source)} {
		if a.Value.AsString() != "" {
			attrs = append(attrs, a)
		}
	}
	if subject != nil {
		attrs = append(attrs, keyAttribute("event.subject", *subject))
	}
	return attrs
}

func (p *Pipeline) startProcessSpan(r *kgo.Record, event *Event, decodeErr *DecodeError) (context.Context, trace.Span) {
	upstream := p.tel.Propagator.Extract(context.Background(), headerCarrier{&r.Headers})
	options := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindConsumer)}
	parent := upstream
	if remote := trace.SpanContextFromContext(upstream); !remote.IsValid() {
		options = append(options, trace.WithNewRoot()) // no upstream context: this record starts a trace
	} else if p.LinkMode {
		parent = context.Background()
		options = append(options, trace.WithNewRoot(), trace.WithLinks(trace.Link{SpanContext: remote}))
	}
	ctx, span := p.tel.Tracer.Start(parent, "process "+r.Topic, options...)
	if !span.IsRecording() {
		return ctx, span
	}
	// One SetAttributes call with every attribute: the span's attribute slice grows once.
	attrs := make([]attribute.KeyValue, 0, 14)
	attrs = append(attrs,
		attribute.String("messaging.system", "kafka"),
		attribute.String("messaging.operation.name", "process"),
		attribute.String("messaging.operation.type", "process"),
		attribute.String("messaging.destination.name", r.Topic),
		attribute.String("messaging.consumer.group.name", p.GroupID),
		attribute.String("messaging.client.id", p.ClientID),
		attribute.String("messaging.destination.partition.id", strconv.Itoa(int(r.Partition))),
		attribute.Int64("messaging.kafka.offset", r.Offset))
	if r.Key != nil {
		attrs = append(attrs, keyAttribute("messaging.kafka.message.key", string(r.Key)))
	}
	if event != nil {
		attrs = appendEventAttributes(attrs, event.ID, event.Type, event.Source, event.Subject)
	} else {
		attrs = appendEventAttributes(attrs, "", decodeErr.EventType, decodeErr.Source, nil)
	}
	span.SetAttributes(attrs...)
	return ctx, span
}

// recordError marks a span failed as the C++ Span::record_error does.
func recordError(span trace.Span, errorType, message string) {
	if !span.IsRecording() {
		return
	}
	span.AddEvent("exception", trace.WithAttributes(attribute.String("exception.type", errorType),
		attribute.String("exception.message", message)))
	span.SetStatus(codes.Error, message)
	span.SetAttributes(attribute.String("error.type", errorType))
}

// send produces a record under a PRODUCER span that ends at the broker's acknowledgement.
func (p *Pipeline) send(ctx context.Context, out *kgo.Record, b *pollBatch, acked func()) {
	ctx, span := p.tel.Tracer.Start(ctx, "send "+out.Topic, trace.WithSpanKind(trace.SpanKindProducer))
	if span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 12)
		attrs = append(attrs,
			attribute.String("messaging.system", "kafka"),
			attribute.String("messaging.operation.name", "send"),
			attribute.String("messaging.operation.type", "send"),
			attribute.String("messaging.destination.name", out.Topic),
			attribute.String("messaging.client.id", p.ClientID))
		if out.Key != nil {
			attrs = append(attrs, keyAttribute("messaging.kafka.message.key", string(out.Key)))
		}
		span.SetAttributes(appendHeaderEventAttributes(attrs, out.Headers)...)
	}
	p.tel.Propagator.Inject(ctx, headerCarrier{&out.Headers})
	b.acked.Add(1)
	p.client.Produce(context.Background(), out, func(r *kgo.Record, err error) {
		defer b.acked.Done()
		defer span.End()
		if err != nil {
			recordError(span, "publish_failed", err.Error())
			p.tel.Log.ErrorContext(ctx, "event not delivered", "topic", r.Topic, "detail", err.Error())
			return
		}
		if span.IsRecording() {
			span.SetAttributes(attribute.String("messaging.destination.partition.id", strconv.Itoa(int(r.Partition))),
				attribute.Int64("messaging.kafka.offset", r.Offset))
		}
		acked()
	})
}

// reject dead-letters a record: its key, value and headers, plus why and where it came from.
func (p *Pipeline) reject(ctx context.Context, span trace.Span, r *kgo.Record, errorType, reason, detail,
	eventType, source string, received time.Time, b *pollBatch) {
	recordError(span, errorType, detail)
	p.metrics.Processed.WithLabelValues(eventType, source, "false").Inc()
	p.metrics.Duration.WithLabelValues(eventType, source).Observe(time.Since(received).Seconds())
	p.metrics.Errors.WithLabelValues(eventType, source, errorType).Inc()
	short := truncateDetail(detail, 512)
	headers := make([]kgo.RecordHeader, 0, len(r.Headers)+7)
	for _, h := range r.Headers {
		headers = append(headers, h)
		if h.Key == "traceparent" { // the producer replaces it with the letter's own send span
			headers = append(headers, kgo.RecordHeader{Key: "dlq_original_traceparent", Value: h.Value})
		}
	}
	add := func(k, v string) { headers = append(headers, kgo.RecordHeader{Key: k, Value: []byte(v)}) }
	add("dlq_reason", reason)
	if short != "" {
		add("dlq_detail", short)
	}
	add("dlq_original_topic", r.Topic)
	add("dlq_original_partition", strconv.Itoa(int(r.Partition)))
	add("dlq_original_offset", strconv.FormatInt(r.Offset, 10))
	p.tel.Log.WarnContext(ctx, "event sent to the dead-letter topic", "reason", reason, "detail", short,
		"topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "event_type", eventType)
	letter := &kgo.Record{Topic: r.Topic + p.DLQSuffix, Key: r.Key, Value: r.Value, Headers: headers}
	counter := p.metrics.DeadLetter.WithLabelValues(r.Topic, reason)
	p.send(ctx, letter, b, counter.Inc)
}

// appendHeaderEventAttributes: the event.* attributes from a record's ce_* headers.
func appendHeaderEventAttributes(attrs []attribute.KeyValue, headers []kgo.RecordHeader) []attribute.KeyValue {
	id, _ := lastHeader(headers, "ce_id")
	eventType, _ := lastHeader(headers, "ce_type")
	source, _ := lastHeader(headers, "ce_source")
	var subject *string
	if s, ok := lastHeader(headers, "ce_subject"); ok {
		subject = &s
	}
	return appendEventAttributes(attrs, id, eventType, source, subject)
}

// keyAttribute is how the C++ agents put a key on spans by default (EDAOBS_SPAN_MESSAGE_KEY=hashed):
// "fnv1a:<16 hex>" of FNV-1a 64.
func keyAttribute(name, key string) attribute.KeyValue {
	h := fnv.New64a()
	h.Write([]byte(key))
	return attribute.String(name, fmt.Sprintf("fnv1a:%016x", h.Sum64()))
}
