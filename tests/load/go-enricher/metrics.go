package main

// The processing metrics the C++ agents keep (names of libs/kafka/src/client/processing_metrics.cpp),
// on /metrics; chain_load.py watches events_processed_total to see the drain's progress.
// /ready answers 200 once partitions are assigned.

import (
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics of the pipeline.
type Metrics struct {
	Processed  *prometheus.CounterVec   // event_type, source, success
	Duration   *prometheus.HistogramVec // event_type, source
	Errors     *prometheus.CounterVec   // event_type, source, error
	DeadLetter *prometheus.CounterVec   // topic, reason
	assigned   atomic.Int64
}

func NewMetrics() *Metrics {
	buckets := []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	return &Metrics{
		Processed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "events_processed_total",
			Help: "Events processed, by outcome."}, []string{"event_type", "source", "success"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "event_processing_duration_seconds",
			Help: "Time to process one event, until it is complete.", Buckets: buckets}, []string{"event_type", "source"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "event_errors_total",
			Help: "Events that failed, by error."}, []string{"event_type", "source", "error"}),
		DeadLetter: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dlq_events_total",
			Help: "Records dead-lettered (acknowledged by the DLQ topic), by input topic and reason."}, []string{"topic", "reason"}),
	}
}

// Serve starts /metrics and /ready on EDAOBS_HTTP_ADDRESS:EDAOBS_HTTP_PORT (127.0.0.1:8081).
func (m *Metrics) Serve() (*http.Server, error) {
	registry := prometheus.NewRegistry()
	registry.MustRegister(m.Processed, m.Duration, m.Errors, m.DeadLetter)
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if m.assigned.Load() > 0 {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	address := net.JoinHostPort(envOr("EDAOBS_HTTP_ADDRESS", "127.0.0.1"), envOr("EDAOBS_HTTP_PORT", "8081"))
	listener, err := net.Listen("tcp", address)
	if err != nil {
		return nil, err
	}
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = server.Serve(listener) }()
	return server, nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
