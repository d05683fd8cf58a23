package main

// Telemetry on the official OpenTelemetry Go SDK: a batch span processor exporting OTLP/HTTP
// protobuf (otlptracehttp reads OTEL_EXPORTER_OTLP_* itself; the SDK reads OTEL_TRACES_SAMPLER*
// and OTEL_BSP_*), W3C trace context, and slog JSON lines carrying trace_id and span_id.

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Telemetry is what the pipeline uses: a tracer, the propagator and the logger.
type Telemetry struct {
	Tracer     trace.Tracer
	Propagator propagation.TextMapPropagator
	Log        *slog.Logger
	shutdown   []func(context.Context) error
}

// NewTelemetry: OTEL_SDK_DISABLED=true gives the no-op tracer, which the Go SDK does not do
// by itself; trace context still passes through (a no-op span keeps its parent's context).
func NewTelemetry(service, version string) (*Telemetry, error) {
	t := &Telemetry{Propagator: propagation.TraceContext{}}
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		t.Tracer = noop.NewTracerProvider().Tracer(service)
	} else {
		exporter, err := otlptracehttp.New(context.Background())
		if err != nil {
			return nil, err
		}
		res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
			attribute.String("service.name", serviceNameFromEnv(service)), attribute.String("service.version", version)))
		if err != nil {
			return nil, err
		}
		provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
		t.Tracer = provider.Tracer(service)
		t.shutdown = append(t.shutdown, provider.Shutdown)
	}
	logger, closeLog, err := newLogger(serviceNameFromEnv(service))
	if err != nil {
		return nil, err
	}
	t.Log = logger
	t.shutdown = append(t.shutdown, closeLog)
	return t, nil
}

// Shutdown flushes the spans still queued and the buffered log lines.
func (t *Telemetry) Shutdown(ctx context.Context) {
	for _, stop := range t.shutdown {
		_ = stop(ctx)
	}
}

func serviceNameFromEnv(fallback string) string {
	if name := os.Getenv("OTEL_SERVICE_NAME"); name != "" {
		return name
	}
	return fallback
}

// newLogger: JSON lines at EDAOBS_LOG_LEVEL (default info) to EDAOBS_LOG_OUTPUT (a file,
// default stdout). Lines go through a buffer flushed every 200 ms, as the C++ log worker
// batches its writes, so the comparison is of the SDKs, not of one write(2) per line.
func newLogger(service string) (*slog.Logger, func(context.Context) error, error) {
	level := slog.LevelInfo
	if v := os.Getenv("EDAOBS_LOG_LEVEL"); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return nil, nil, err
		}
	}
	var out io.Writer = os.Stdout
	if path := os.Getenv("EDAOBS_LOG_OUTPUT"); path != "" && path != "stdout" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, err
		}
		out = f
	}
	buffered := newFlushingWriter(out, 200*time.Millisecond)
	handler := slog.NewJSONHandler(buffered, &slog.HandlerOptions{Level: level})
	logger := slog.New(traceIDHandler{handler}).With("service", service)
	return logger, buffered.Close, nil
}

// traceIDHandler adds the active span's trace_id and span_id to every record.
type traceIDHandler struct{ slog.Handler }

func (h traceIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return traceIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h traceIDHandler) WithGroup(name string) slog.Handler {
	return traceIDHandler{h.Handler.WithGroup(name)}
}

// flushingWriter is a mutex-guarded bufio.Writer that a ticker flushes.
type flushingWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	done chan struct{}
	wg   sync.WaitGroup
}

func newFlushingWriter(out io.Writer, every time.Duration) *flushingWriter {
	w := &flushingWriter{buf: bufio.NewWriterSize(out, 64*1024), done: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
				w.flush()
			case <-w.done:
				return
			}
		}
	}()
	return w
}

func (w *flushingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *flushingWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.buf.Flush()
}

func (w *flushingWriter) Close(context.Context) error {
	close(w.done)
	w.wg.Wait()
	w.flush()
	return nil
}
