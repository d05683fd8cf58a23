#include "edaobs/runtime/settings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "edaobs/core/text.h"

namespace edaobs::runtime {
namespace {

std::string trimmed(std::string_view s) { return std::string(trim(s)); }
std::string lower(std::string_view s) { return to_lower_ascii(s); }

// The longest duration a setting may name: beyond a day every timeout and interval here is a
// mistake, and a bound keeps the arithmetic on time points far from overflow.
constexpr double kMaxMillis = 24.0 * 3600 * 1000;

}  // namespace

Settings::Settings(int argc, const char* const* argv)
    : Settings(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc), {}) {
  use_process_env_ = true;
}

Settings::Settings(std::vector<std::string> args, std::map<std::string, std::string> environment)
    : environment_(environment.begin(), environment.end()), use_process_env_(false) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (arg.substr(0, 2) != "--" || arg.size() == 2) {
      positional_.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(2);
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      flags_[std::string(arg.substr(0, eq))] = std::string(arg.substr(eq + 1));
    } else if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
      flags_[std::string(arg)] = args[++i];
    } else {
      flags_[std::string(arg)] = "true";
    }
  }
}

const std::string* Settings::lookup(std::string_view flag, std::string_view env,
                                    std::string* origin) {
  if (auto it = flags_.find(flag); it != flags_.end()) {
    *origin = "--" + std::string(flag);
    return &it->second;
  }
  if (use_process_env_) {
    const std::string name(env);
    if (const char* value = std::getenv(name.c_str()); value != nullptr && *value != '\0') {
      *origin = name;
      environment_[name] = value;
      return &environment_.find(name)->second;
    }
    return nullptr;
  }
  if (auto it = environment_.find(env); it != environment_.end() && !it->second.empty()) {
    *origin = std::string(env);
    return &it->second;
  }
  return nullptr;
}

std::string setting_name(std::string_view flag, std::string_view env) {
  return "setting --" + std::string(flag) + " (" + std::string(env) + ")";
}

void Settings::fail(std::string_view flag, std::string_view env, std::string_view value,
                    std::string_view why) {
  throw ConfigError(setting_name(flag, env), "'" + std::string(value) + "' " + std::string(why));
}

std::string Settings::text(std::string_view flag, std::string_view env, std::string_view fallback,
                           std::string_view help) {
  declared_.push_back(
      {std::string(flag), std::string(env), std::string(fallback), std::string(help)});
  std::string origin;
  const std::string* raw = lookup(flag, env, &origin);
  return raw != nullptr ? *raw : std::string(fallback);
}

std::int64_t Settings::integer(std::string_view flag, std::string_view env, std::int64_t fallback,
                               std::int64_t min, std::int64_t max, std::string_view help) {
  declared_.push_back(
      {std::string(flag), std::string(env), std::to_string(fallback), std::string(help)});
  std::string origin;
  const std::string* raw = lookup(flag, env, &origin);
  if (raw == nullptr) return fallback;
  const std::string value = trimmed(*raw);
  std::int64_t parsed = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc{} || end != value.data() + value.size())
    fail(flag, env, *raw, "is not an integer");
  if (parsed < min || parsed > max) {
    fail(flag, env, *raw,
         "is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return parsed;
}

double Settings::number(std::string_view flag, std::string_view env, double fallback, double min,
                        double max, std::string_view help) {
  std::ostringstream def;
  def << fallback;
  declared_.push_back({std::string(flag), std::string(env), def.str(), std::string(help)});
  std::string origin;
  const std::string* raw = lookup(flag, env, &origin);
  if (raw == nullptr) return fallback;
  const std::string value = trimmed(*raw);
  char* end = nullptr;
  const double parsed = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(parsed)) {
    fail(flag, env, *raw, "is not a number");
  }
  if (parsed < min || parsed > max) {
    std::ostringstream range;
    range << "is out of range [" << min << ", " << max << "]";
    fail(flag, env, *raw, range.str());
  }
  return parsed;
}

bool Settings::boolean(std::string_view flag, std::string_view env, bool fallback,
                       std::string_view help) {
  declared_.push_back(
      {std::string(flag), std::string(env), fallback ? "true" : "false", std::string(help)});
  std::string origin;
  const std::string* raw = lookup(flag, env, &origin);
  if (raw == nullptr) return fallback;
  const std::string value = lower(trimmed(*raw));
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  fail(flag, env, *raw, "is not a boolean (true/false, 1/0, yes/no, on/off)");
}

std::chrono::milliseconds Settings::millis(std::string_view flag, std::string_view env,
                                           std::chrono::milliseconds fallback,
                                           std::string_view help) {
  declared_.push_back({std::string(flag), std::string(env), std::to_string(fallback.count()) + "ms",
                       std::string(help)});
  std::string origin;
  const std::string* raw = lookup(flag, env, &origin);
  if (raw == nullptr) return fallback;
  const std::string value = lower(trimmed(*raw));
  // A number with an optional unit: ms (default), s, m.
  double amount = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), amount);
  if (ec != std::errc{} || !std::isfinite(amount) || amount < 0) {
    fail(flag, env, *raw, "is not a duration (e.g. 250ms, 2s, 1m)");
  }
  const std::string_view unit(end, static_cast<std::size_t>(value.data() + value.size() - end));
  double scale = 0;
  if (unit.empty() || unit == "ms")
    scale = 1;
  else if (unit == "s")
    scale = 1000;
  else if (unit == "m")
    scale = 60'000;
  else
    fail(flag, env, *raw, "has an unknown unit (use ms, s or m)");
  if (amount * scale > kMaxMillis) fail(flag, env, *raw, "is longer than a day (24h)");
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(amount * scale)));
}

bool Settings::finish() {
  std::vector<std::string> unknown;
  for (const auto& [flag, value] : flags_) {
    const bool known = std::any_of(declared_.begin(), declared_.end(),
                                   [&](const Declared& d) { return d.flag == flag; });
    if (!known) unknown.push_back("--" + flag);
  }
  if (!positional_.empty()) unknown.insert(unknown.end(), positional_.begin(), positional_.end());
  if (!unknown.empty()) {
    std::string names;
    for (const auto& u : unknown) names += (names.empty() ? "" : " ") + u;
    throw ConfigError("unknown argument(s)", names + " (see --help)");
  }
  return help_requested_;
}

std::string Settings::usage(std::string_view program) const {
  std::ostringstream out;
  out << "usage: " << program << " [--setting=value ...]\n"
      << "Each setting is a flag or an environment variable (the flag wins).\n\n";
  for (const auto& d : declared_) {
    out << "  --" << d.flag << " / " << d.env
        << "  (default: " << (d.fallback.empty() ? "\"\"" : d.fallback) << ")\n      " << d.help
        << "\n";
  }
  return out.str();
}

}  // namespace edaobs::runtime
