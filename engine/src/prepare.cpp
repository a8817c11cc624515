// Preparing a pack: the stages every evaluating command runs before it evaluates, in one place, so
// that `check` and `run` cannot disagree about what a usable pack is (issue 10.5).

#include "waymark/engine/prepare.hpp"

#include <cstdlib>
#include <filesystem>
#include <variant>

namespace waymark::engine {

dsl::PackSearch default_pack_search() {
  dsl::PackSearch search;
  if (const char* env = std::getenv("WAYMARK_PACKS")) {
    const std::string list = env;
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t colon = list.find(':', start);
      const std::string dir = list.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!dir.empty()) search.directories.push_back(dir);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  // The packs shipped with Waymark: beside an installed binary (../share/waymark/rules), else the
  // source tree it was built from.
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path installed = self.parent_path().parent_path() / "share" / "waymark" / "rules";
  search.shipped = !ec && std::filesystem::is_directory(installed, ec) ? installed.string() : WAYMARK_SHIPPED_PACKS_DIR;
  return search;
}

namespace {

PackOutline outline_of(const dsl::RulePack& pack) {
  PackOutline outline{pack.top().name, pack.top().version, pack.digest, 0, pack.layers.size()};
  for (const dsl::PackLayer& layer : pack.layers) {
    for (const dsl::RuleFile& file : layer.rule_files) {
      for (const dsl::Declaration& d : file.declarations) outline.rules += std::holds_alternative<dsl::Rule>(d) ? 1 : 0;
    }
  }
  return outline;
}

/// Checks with `extra` overrides on the top layer, leaving the pack as it was.
dsl::CheckedPack check_with(dsl::RulePack& pack, const std::vector<dsl::ParamOverride>& extra,
                            const dsl::SourceSet& sources, dsl::Diagnostics& diagnostics) {
  std::vector<dsl::ParamOverride>& top = pack.layers.back().overrides;
  const std::size_t before = top.size();
  top.insert(top.end(), extra.begin(), extra.end());
  dsl::CheckedPack checked = dsl::check(pack, sources, diagnostics);
  top.resize(before);
  return checked;
}

}  // namespace

std::unique_ptr<PreparedPack> prepare_pack(const PackRequest& request, dsl::SourceSet& sources,
                                           dsl::Diagnostics& diagnostics) {
  // Errors are counted from here: a caller may pass diagnostics that already hold others.
  const std::size_t errors_before = diagnostics.error_count();
  auto failed = [&]() { return diagnostics.error_count() > errors_before; };
  std::optional<dsl::RulePack> pack = dsl::load_pack(request.pack, request.search, sources, diagnostics);
  if (!pack) return nullptr;
  auto prepared = std::make_unique<PreparedPack>();
  prepared->pack = std::move(*pack);
  if (request.outline != nullptr) *request.outline = outline_of(prepared->pack);
  if (request.until == PackStage::loaded) return failed() ? nullptr : std::move(prepared);
  // language.md §8: after a syntax error the other rules are still checked, so one `check` reports
  // every broken rule and every type error of the others; nothing is returned if any error was found.
  // The request's overrides are on the pack only while it checks (the checker records their values):
  // the pack's layers describe its files.
  prepared->checked = check_with(prepared->pack, request.overrides, sources, diagnostics);
  // Calendars are read even after a rule error, so that one `check` reports both.
  std::optional<Calendar> calendar = load_pack_calendar(prepared->pack, sources, diagnostics);
  if (calendar && request.warn_calendar_ending_after) {
    warn_if_calendar_ends_soon(*calendar, *request.warn_calendar_ending_after, diagnostics);
  }
  if (!calendar || failed()) return nullptr;
  if (request.until == PackStage::checked) return prepared;
  prepared->compiled.emplace(compile(prepared->pack, prepared->checked, sources, std::move(*calendar)));
  return prepared;
}

std::optional<CompiledPack> compile_with_overrides(PreparedPack& prepared, const std::vector<dsl::ParamOverride>& overrides,
                                                   const dsl::SourceSet& sources, dsl::Diagnostics& diagnostics) {
  if (!prepared.compiled) return std::nullopt;
  dsl::Diagnostics local;
  const dsl::CheckedPack checked = check_with(prepared.pack, overrides, sources, local);
  const bool failed = local.has_errors();
  diagnostics.append(local);
  if (failed) return std::nullopt;
  // The checker recorded the overridden values; compiling reads them from `checked`.
  CompiledPack compiled = compile(prepared.pack, checked, sources, prepared.compiled->program_calendar());
  return compiled;
}

}  // namespace waymark::engine
