#pragma once
// The queue between log calls and the logging worker: a bounded ring of QueuedRecords, each in a
// slot of its own cache line, filled in place by the caller and read in place by the worker. A
// full queue refuses at once and the caller drops its line.
#include "concurrency/sequenced_ring.h"
#include "logs/queued_record.h"

namespace edaobs::telemetry {

using RecordQueue = detail::SequencedRing<QueuedRecord, 64>;

}  // namespace edaobs::telemetry
