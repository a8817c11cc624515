// `waymark fmt FILE|DIR... [--check]` (cli.md): rewrite rule files in the canonical layout (language.md §10).

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "waymark/dsl/format.hpp"
#include "waymark/dsl/parse.hpp"
#include "waymark/dsl/printable.hpp"

namespace waymark::cli {

namespace {

struct FmtOptions {
  std::vector<std::string> files;
  bool check = false;
};

// `waymark fmt rules/kent`: a folder stands for the .wmk files under it, in name order. Symbolic links
// are not followed, so a link loop cannot make it walk for ever.
bool expand_folders(const std::vector<std::string>& paths, std::vector<std::string>& files, dsl::Diagnostics& diagnostics) {
  namespace fs = std::filesystem;
  bool ok = true;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(path, ec))) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && !it->is_symlink(ec) && it->path().extension() == ".wmk") {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      diagnostics.error({}, "cannot-read", "cannot read the folder '" + dsl::printable(path) + "': " + ec.message());
      ok = false;
      continue;
    }
    if (found.empty()) {
      diagnostics.error({}, "usage", "no .wmk rule files under '" + dsl::printable(path) + "'");
      ok = false;
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return ok;
}

int run_fmt(const FmtOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  // Read and format everything first: a file with a syntax error is never rewritten, and nothing
  // is written at all unless every file parsed.
  struct Pending {
    std::string path;
    std::string text;
  };
  std::vector<Pending> changed;
  bool unreadable = false;
  std::vector<std::string> files;
  if (!expand_folders(options.files, files, diagnostics)) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_usage;
  }
  for (const std::string& path : files) {
    const std::optional<dsl::FileId> file = dsl::read_source(path, sources, diagnostics, 64 << 20);
    if (!file) {
      unreadable = true;
      continue;
    }
    dsl::Diagnostics parse_errors;
    const dsl::RuleFile tree = dsl::parse(sources, *file, parse_errors);
    diagnostics.append(parse_errors);
    if (parse_errors.has_errors()) {
      unreadable = true;
      continue;
    }
    std::string formatted = dsl::format(tree, sources.file(*file));
    if (formatted != sources.file(*file).text()) changed.push_back({path, std::move(formatted)});
  }
  if (unreadable) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    std::cerr << "waymark: nothing was rewritten; fix the errors above first\n";
    return exit_input;
  }
  if (options.check) {
    for (const Pending& p : changed) std::cout << p.path << ": not in the canonical layout (run 'waymark fmt " << p.path << "')\n";
    return changed.empty() ? exit_ok : exit_problems;
  }
  for (const Pending& p : changed) {
    struct stat st {};
    const unsigned mode = ::stat(p.path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
    if (!write_output(p.path, p.text, diagnostics, mode)) {
      print_diagnostics(std::cerr, diagnostics, sources, false);
      return exit_input;
    }
    std::cout << "formatted " << p.path << "\n";
  }
  return exit_ok;
}

}  // namespace

Action add_fmt_command(CLI::App& app) {
  auto options = std::make_shared<FmtOptions>();
  CLI::App* cmd = app.add_subcommand("fmt", "Rewrite .wmk rule files in the canonical layout");
  cmd->footer(
      "Example:\n  waymark fmt rules/kent/*.wmk\n  waymark fmt rules/kent                  # every .wmk file under the folder\n"
      "  waymark fmt --check rules               # CI: exit 1 if any file would change\n\n"
      "Exit codes: 0 done (or all files canonical), 1 --check found files to reformat, 3 a file could not be read or parsed.");
  cmd->add_option("files", options->files, "Rule files to format, or folders: the .wmk files under them")->required();
  cmd->add_flag("--check", options->check, "Only report files that are not in the canonical layout (exit 1)");
  return [options, cmd]() -> int { return cmd->parsed() ? run_fmt(*options) : -1; };
}

}  // namespace waymark::cli
