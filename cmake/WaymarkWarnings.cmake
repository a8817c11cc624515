# Warnings for Waymark's own targets (never for third-party headers).
add_library(waymark_warnings INTERFACE)
target_compile_options(waymark_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${WAYMARK_WERROR}>:-Werror>)
