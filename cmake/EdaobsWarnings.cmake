# Warnings are errors for the project's own code; third-party headers come in as SYSTEM.
# is left out: GCC 12 raises it inside Boost.Asio's inlined scheduler code
# (false positives from a system header that no pragma at our level can scope well).
add_library(edaobs_warnings INTERFACE)
target_compile_options(edaobs_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Werror)

if(EDAOBS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  # GCC 12's flow analysis under the sanitizers reports false "maybe uninitialized" values inside
  # Boost.Beast's parser (boost::optional members); the sanitizers check real reads at run time.
  add_compile_options($<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  add_link_options(-fsanitize=address,undefined)
endif()
