#include "edaobs/runtime/startup.h"

#include <iostream>

namespace edaobs::runtime {

int print_usage(const Settings& settings, std::string_view agent) {
  std::cout << settings.usage(agent);
  return 0;
}

int report_startup_failure(std::string_view agent, const std::exception& error) {
  std::cerr << agent << ": cannot start: " << error.what() << std::endl;
  return kExitConfigError;
}

}  // namespace edaobs::runtime
