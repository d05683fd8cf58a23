// Head sampling decisions: ratio thresholds on the trace id, parent-based behaviour, parsing of
// OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG.
#include <stdexcept>

#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/id_generator.h"
#include "edaobs/telemetry/sdk/trace/sampler.h"

namespace edaobs::telemetry {
namespace {

// A trace id whose last 8 bytes (the part the ratio sampler reads) are `low`, big-endian.
TraceId trace_id_with_low(std::uint64_t low) {
  TraceId id;
  id.bytes[0] = 0x42;  // keep the id valid even when low is 0
  for (int i = 0; i < 8; ++i) {
    id.bytes[static_cast<std::size_t>(15 - i)] = static_cast<std::uint8_t>(low >> (8 * i));
  }
  return id;
}

SpanContext parent_with_flags(std::uint8_t flags, bool remote) {
  SpanContext parent;
  parent.trace_id = generate_trace_id();
  parent.span_id = generate_span_id();
  parent.trace_flags = flags;
  parent.is_remote = remote;
  return parent;
}

TEST(SamplerTest, RatioZeroNeverSamplesARoot) {
  const Sampler sampler(
      SamplerOptions{.root = SamplerKind::kTraceIdRatio, .ratio = 0.0, .parent_based = false});
  EXPECT_FALSE(sampler.should_sample(nullptr, trace_id_with_low(0)));
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(sampler.should_sample(nullptr, generate_trace_id()));
  }
}

TEST(SamplerTest, RatioOneAlwaysSamplesARoot) {
  const Sampler sampler(
      SamplerOptions{.root = SamplerKind::kTraceIdRatio, .ratio = 1.0, .parent_based = false});
  EXPECT_TRUE(sampler.should_sample(nullptr, trace_id_with_low(~std::uint64_t{0})));
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(sampler.should_sample(nullptr, generate_trace_id()));
  }
}

TEST(SamplerTest, RatioHalfIsDeterministicOnTheTraceId) {
  const Sampler sampler(
      SamplerOptions{.root = SamplerKind::kTraceIdRatio, .ratio = 0.5, .parent_based = false});
  // Threshold: low 63 bits of the id's last 8 bytes below 0.5 * 2^63 = 2^62.
  EXPECT_TRUE(sampler.should_sample(nullptr, trace_id_with_low(0)));
  EXPECT_TRUE(sampler.should_sample(nullptr, trace_id_with_low((std::uint64_t{1} << 63) - 1)));
  EXPECT_FALSE(sampler.should_sample(nullptr, trace_id_with_low(std::uint64_t{1} << 63)));
  EXPECT_FALSE(sampler.should_sample(nullptr, trace_id_with_low(~std::uint64_t{0})));

  int sampled = 0;
  constexpr int kTrials = 20000;
  for (int i = 0; i < kTrials; ++i) {
    const TraceId id = generate_trace_id();
    const bool first = sampler.should_sample(nullptr, id);
    EXPECT_EQ(first, sampler.should_sample(nullptr, id));  // same id, same answer
    sampled += first ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(sampled) / kTrials, 0.5, 0.03);
}

TEST(SamplerTest, ParentBasedFollowsTheParentFlag) {
  const Sampler always_off_root(
      SamplerOptions{.root = SamplerKind::kAlwaysOff, .ratio = 1.0, .parent_based = true});
  const Sampler always_on_root(
      SamplerOptions{.root = SamplerKind::kAlwaysOn, .ratio = 1.0, .parent_based = true});
  for (bool remote : {false, true}) {
    const SpanContext sampled_parent = parent_with_flags(kTraceFlagSampled, remote);
    const SpanContext unsampled_parent = parent_with_flags(0, remote);
    EXPECT_TRUE(always_off_root.should_sample(&sampled_parent, sampled_parent.trace_id));
    EXPECT_FALSE(always_on_root.should_sample(&unsampled_parent, unsampled_parent.trace_id));
  }
  // Without a parent the root sampler decides.
  EXPECT_FALSE(always_off_root.should_sample(nullptr, generate_trace_id()));
  EXPECT_TRUE(always_on_root.should_sample(nullptr, generate_trace_id()));
}

TEST(SamplerTest, ParentBasedRatioUsesRatioOnlyForRoots) {
  const Sampler sampler(
      SamplerOptions{.root = SamplerKind::kTraceIdRatio, .ratio = 0.0, .parent_based = true});
  const SpanContext sampled_parent = parent_with_flags(kTraceFlagSampled, true);
  EXPECT_TRUE(sampler.should_sample(&sampled_parent, sampled_parent.trace_id));
  EXPECT_FALSE(sampler.should_sample(nullptr, trace_id_with_low(0)));
}

TEST(SamplerTest, NonParentBasedIgnoresTheParent) {
  const Sampler sampler(
      SamplerOptions{.root = SamplerKind::kAlwaysOff, .ratio = 1.0, .parent_based = false});
  const SpanContext sampled_parent = parent_with_flags(kTraceFlagSampled, false);
  EXPECT_FALSE(sampler.should_sample(&sampled_parent, sampled_parent.trace_id));
}

TEST(SamplerOptionsTest, ParsesEveryStandardName) {
  struct Case {
    std::string_view name;
    SamplerKind root;
    bool parent_based;
  };
  for (const Case& c : {Case{"always_on", SamplerKind::kAlwaysOn, false},
                        Case{"always_off", SamplerKind::kAlwaysOff, false},
                        Case{"traceidratio", SamplerKind::kTraceIdRatio, false},
                        Case{"parentbased_always_on", SamplerKind::kAlwaysOn, true},
                        Case{"parentbased_always_off", SamplerKind::kAlwaysOff, true},
                        Case{"parentbased_traceidratio", SamplerKind::kTraceIdRatio, true}}) {
    const SamplerOptions options = SamplerOptions::parse(c.name, std::nullopt);
    EXPECT_EQ(options.root, c.root) << c.name;
    EXPECT_EQ(options.parent_based, c.parent_based) << c.name;
  }
}

TEST(SamplerOptionsTest, RatioArgument) {
  EXPECT_DOUBLE_EQ(SamplerOptions::parse("traceidratio", "0.25").ratio, 0.25);
  EXPECT_DOUBLE_EQ(SamplerOptions::parse("parentbased_traceidratio", std::nullopt).ratio, 1.0);
  EXPECT_DOUBLE_EQ(SamplerOptions::parse("traceidratio", "0").ratio, 0.0);
}

TEST(SamplerOptionsTest, BadValuesNameTheVariable) {
  try {
    (void)SamplerOptions::parse("sometimes", std::nullopt);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("OTEL_TRACES_SAMPLER"), std::string::npos);
  }
  for (std::string_view arg : {"1.5", "-0.1", "half", "0.5x"}) {
    try {
      (void)SamplerOptions::parse("traceidratio", arg);
      FAIL() << "expected std::invalid_argument for " << arg;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("OTEL_TRACES_SAMPLER_ARG"), std::string::npos);
    }
  }
}

TEST(SamplerTest, DescriptionNamesTheConfiguration) {
  EXPECT_EQ(Sampler(SamplerOptions{}).description(), "ParentBased{root=AlwaysOnSampler}");
  EXPECT_EQ(
      Sampler(SamplerOptions{.root = SamplerKind::kAlwaysOff, .ratio = 1.0, .parent_based = false})
          .description(),
      "AlwaysOffSampler");
}

}  // namespace
}  // namespace edaobs::telemetry
