#pragma once
// The event-processing metrics, for agents that produce events themselves (the consumer records
// them for consumed records). One definition, in libs/kafka.
#include "edaobs/kafka/client/processing_metrics.h"

namespace edaobs::runtime {
using ProcessingMetrics = kafka::ProcessingMetrics;
}  // namespace edaobs::runtime
