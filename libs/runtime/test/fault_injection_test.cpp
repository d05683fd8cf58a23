#include "edaobs/runtime/fault_injection.h"

#include <gtest/gtest.h>

using edaobs::ConfigError;
using edaobs::runtime::FaultInjector;
using edaobs::runtime::FaultSettings;
using edaobs::runtime::Settings;

TEST(FaultInjection, OffByDefault) {
  Settings settings({}, {});
  FaultInjector faults(edaobs::runtime::read_fault_settings(settings));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(faults.should_fail());
    ASSERT_FALSE(faults.should_poison());
  }
  EXPECT_FALSE(faults.current().admin_enabled);
}

TEST(FaultInjection, ErrorRateIsHonouredStatistically) {
  FaultInjector faults(FaultSettings{0.25, {}, 0, false});
  int failed = 0;
  for (int i = 0; i < 20000; ++i) failed += faults.should_fail() ? 1 : 0;
  EXPECT_NEAR(0.25, failed / 20000.0, 0.02);
}

TEST(FaultInjection, AdminJsonChangesSettingsAndRejectsBadValues) {
  FaultInjector faults(FaultSettings{});
  faults.apply_json(R"({"error_rate":0.5,"latency_ms":20,"poison_rate":0.1})");
  EXPECT_DOUBLE_EQ(0.5, faults.current().error_rate);
  EXPECT_EQ(20, faults.current().latency.count());
  EXPECT_DOUBLE_EQ(0.1, faults.current().poison_rate);
  EXPECT_THROW(faults.apply_json(R"({"error_rate":1.5})"), ConfigError);
  EXPECT_THROW(faults.apply_json(R"({"latency_ms":-1})"), ConfigError);
  EXPECT_THROW(faults.apply_json("nope"), ConfigError);
  EXPECT_DOUBLE_EQ(0.5, faults.current().error_rate) << "a rejected update changes nothing";
}

TEST(FaultInjection, BadStartupValueNamesTheSetting) {
  Settings settings({"--fault-error-rate=2"}, {});
  try {
    (void)edaobs::runtime::read_fault_settings(settings);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("EDAOBS_FAULT_ERROR_RATE"), std::string::npos);
  }
}
