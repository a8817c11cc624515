#pragma once
// Running the `waymark` executable as a user would, for the CLI test files.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace waymark::cli_testing {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
  std::string all() const { return out + err; }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline Result run(const std::string& arguments) {
  static int counter = 0;
  const std::string err_path = (std::filesystem::temp_directory_path() /
                                ("waymark-cli-stderr-" + std::to_string(::getpid()) + "-" + std::to_string(++counter)))
                                   .string();
  const std::string command = std::string(WAYMARK_BINARY) + " " + arguments + " 2>" + err_path;
  Result r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_path);
  std::filesystem::remove(err_path);
  return r;
}

inline std::string root() { return WAYMARK_SOURCE_ROOT; }
inline std::string spec() { return root() + "/tests/fixtures/spec"; }

inline std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("waymark-cli-test-" + std::to_string(::getpid())) / name;
  fs::create_directories(dir);
  return dir;
}

}  // namespace waymark::cli_testing
