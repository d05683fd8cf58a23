// go-enricher: the enricher of agents/enricher written as a Go developer would, on franz-go and
// the official OpenTelemetry Go SDK. A load-test peer (tests/load/chain_load.py runs it beside
// the C++ agent on the same topic), not an agent of the platform. Same settings names as the
// C++ agent where they apply; OTEL_SDK_DISABLED=true switches tracing off and
// EDAOBS_LOG_LEVEL=warn drops the per-event INFO line.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

const (
	serviceName    = "go-enricher"
	serviceVersion = "1.0.0"
)

// Settings read from the environment.
type Settings struct {
	Brokers, GroupID, ClientID  string
	InputTopic, OutputTopic     string
	DLQSuffix, EnrichedBy       string
	LinkMode                    bool
	CommitInterval, DeliveryTTL time.Duration
}

func readSettings() (Settings, error) {
	s := Settings{
		Brokers: envOr("KAFKA_BROKERS", "127.0.0.1:9092"), GroupID: envOr("KAFKA_GROUP_ID", "edaobs-"+serviceName),
		ClientID: serviceName, InputTopic: envOr("EDAOBS_INPUT_TOPIC", "events.raw"),
		OutputTopic: envOr("EDAOBS_OUTPUT_TOPIC", "events.enriched"), DLQSuffix: ".dlq",
		EnrichedBy: serviceName + "@" + serviceVersion, CommitInterval: time.Second, DeliveryTTL: 30 * time.Second,
	}
	var err error
	if v := os.Getenv("EDAOBS_TRACE_LINK_MODE"); v != "" {
		if s.LinkMode, err = strconv.ParseBool(v); err != nil {
			return s, fmt.Errorf("EDAOBS_TRACE_LINK_MODE: %w", err)
		}
	}
	return s, nil
}

func newClient(s Settings, metrics *Metrics) (*kgo.Client, error) {
	count := func(assigned map[string][]int32) int64 {
		n := 0
		for _, partitions := range assigned {
			n += len(partitions)
		}
		return int64(n)
	}
	return kgo.NewClient(
		kgo.SeedBrokers(strings.Split(s.Brokers, ",")...),
		kgo.ClientID(s.ClientID),
		kgo.ConsumerGroup(s.GroupID),
		kgo.ConsumeTopics(s.InputTopic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		kgo.AllowAutoTopicCreation(),
		kgo.SessionTimeout(10*time.Second),
		kgo.HeartbeatInterval(3*time.Second),
		// Only acknowledged records are marked; marks are committed in the background.
		kgo.AutoCommitMarks(),
		kgo.AutoCommitInterval(s.CommitInterval),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, a map[string][]int32) {
			metrics.assigned.Add(count(a))
		}),
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, r map[string][]int32) {
			_ = cl.CommitMarkedOffsets(ctx)
			metrics.assigned.Add(-count(r))
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, l map[string][]int32) {
			metrics.assigned.Add(-count(l))
		}),
		// Idempotent, acks=all (franz-go's defaults), uncompressed as librdkafka's default.
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.RecordDeliveryTimeout(s.DeliveryTTL),
	)
}

func run() error {
	settings, err := readSettings()
	if err != nil {
		return err
	}
	tel, err := NewTelemetry(serviceName, serviceVersion)
	if err != nil {
		return err
	}
	defer tel.Shutdown(context.Background())
	metrics := NewMetrics()
	client, err := newClient(settings, metrics)
	if err != nil {
		return err
	}
	defer client.Close()
	server, err := metrics.Serve()
	if err != nil {
		return err
	}
	defer server.Close()
	pipeline := NewPipeline(settings, client, tel, metrics)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	tel.Log.Info("enricher started", "input", settings.InputTopic, "output", settings.OutputTopic)
	for ctx.Err() == nil {
		fetches := client.PollFetches(ctx)
		if fetches.IsClientClosed() {
			break
		}
		fetches.EachError(func(topic string, partition int32, err error) {
			if ctx.Err() == nil {
				tel.Log.Warn("kafka consumer error", "topic", topic, "partition", partition, "detail", err.Error())
			}
		})
		pipeline.Handle(fetches)
	}
	tel.Log.Info("enricher stopping")
	pipeline.Close() // every output acknowledged and marked
	commitCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return client.CommitMarkedOffsets(commitCtx)
}

func main() {
	// EDAOBS_GO_CPUPROFILE=<prefix>: a pprof CPU profile of the whole run in <prefix>.<pid>,
	// to see where the peer's time goes (go tool pprof -top go-enricher <file>).
	if prefix := os.Getenv("EDAOBS_GO_CPUPROFILE"); prefix != "" {
		f, err := os.Create(prefix + "." + strconv.Itoa(os.Getpid()))
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "go-enricher:", err)
		os.Exit(1)
	}
}
