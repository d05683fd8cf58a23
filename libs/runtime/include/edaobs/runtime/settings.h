#pragma once
// Agent settings read from command-line flags and environment variables, in that order of
// precedence, with defaults. Every setting is declared where it is read, so `--help` can list
// them all and a bad value stops start-up with a message that names the setting.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "edaobs/core/config_error.h"

namespace edaobs::runtime {

// A bad value throws ConfigError (edaobs/core/config_error.h) whose setting is
// "setting --flag (ENV)", so the message names both.
// "setting --flag (ENV)": how errors name a setting, for checks made after reading it.
[[nodiscard]] std::string setting_name(std::string_view flag, std::string_view env);

class Settings {
 public:
  // Flags are `--name=value` or `--name value`; a bare `--name` means "true".
  Settings(int argc, const char* const* argv);
  // Reads from a given environment instead of the process's (tests).
  Settings(std::vector<std::string> args, std::map<std::string, std::string> environment);

  // `flag` is the name without dashes (e.g. "rate"); `env` the variable (e.g. "EDAOBS_RATE").
  std::string text(std::string_view flag, std::string_view env, std::string_view fallback,
                   std::string_view help);
  std::int64_t integer(std::string_view flag, std::string_view env, std::int64_t fallback,
                       std::int64_t min, std::int64_t max, std::string_view help);
  double number(std::string_view flag, std::string_view env, double fallback, double min,
                double max, std::string_view help);
  bool boolean(std::string_view flag, std::string_view env, bool fallback, std::string_view help);
  std::chrono::milliseconds millis(std::string_view flag, std::string_view env,
                                   std::chrono::milliseconds fallback, std::string_view help);

  // Call after the last declaration: fails on flags nobody declared; returns true when --help
  // was given (the caller prints usage() and exits 0).
  bool finish();
  [[nodiscard]] std::string usage(std::string_view program) const;

 private:
  struct Declared {
    std::string flag, env, fallback, help;
  };
  // The raw value and where it came from, or nullptr when the default applies.
  const std::string* lookup(std::string_view flag, std::string_view env, std::string* origin);
  [[noreturn]] static void fail(std::string_view flag, std::string_view env, std::string_view value,
                                std::string_view why);

  std::map<std::string, std::string, std::less<>> flags_;
  std::map<std::string, std::string, std::less<>> environment_;
  bool use_process_env_ = true;
  bool help_requested_ = false;
  std::vector<Declared> declared_;
  std::vector<std::string> positional_;
};

}  // namespace edaobs::runtime
