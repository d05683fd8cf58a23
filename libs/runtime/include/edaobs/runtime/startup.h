#pragma once
// The two ways an agent's start-up ends early: --help, and a configuration that cannot work.
#include <exception>
#include <string_view>

#include "edaobs/runtime/settings.h"

namespace edaobs::runtime {

inline constexpr int kExitConfigError = 2;

// Prints the settings' usage to stdout; returns 0 (the exit status of --help).
int print_usage(const Settings& settings, std::string_view agent);
// Prints "<agent>: cannot start: <reason>" to stderr; returns kExitConfigError.
int report_startup_failure(std::string_view agent, const std::exception& error);

}  // namespace edaobs::runtime
