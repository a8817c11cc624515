#pragma once
// The exit codes of cli.md, in one place.

namespace waymark::cli {

enum ExitCode : int {
  exit_ok = 0,        // success (flags are results, not failures)
  exit_problems = 1,  // check/test/fmt --check found problems, or audit verify found tampering
  exit_usage = 2,     // wrong usage
  exit_input = 3,     // an input file or pack could not be loaded
};

}  // namespace waymark::cli
