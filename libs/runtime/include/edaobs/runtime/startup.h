#pragma once
// The two ways an agent's start-up ends early (--help, and a configuration that cannot work),
// and the exit statuses an agent ends with.
#include <exception>
#include <string_view>

#include "edaobs/runtime/settings.h"

namespace edaobs::runtime {

inline constexpr int kExitConfigError = 2;
// The agent stopped because it could not go on (a Kafka client's fatal error): restart it.
inline constexpr int kExitFatalError = 70;  // EX_SOFTWARE

// Prints the settings' usage to stdout; returns 0 (the exit status of --help).
int print_usage(const Settings& settings, std::string_view agent);
// Prints "<agent>: cannot start: <reason>" to stderr; returns kExitConfigError.
int report_startup_failure(std::string_view agent, const std::exception& error);

}  // namespace edaobs::runtime
