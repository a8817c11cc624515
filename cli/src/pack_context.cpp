// The served pack as the pages need it (server/pack_context.hpp): built once by `waymark serve` from
// the prepared pack. The impact preview re-checks and re-compiles a copy of the pack with one
// parameter overridden, exactly as a manifest's `parameters:` would (packs.md §1), so what the LA
// officer previews is what publishing that override would do.

#include "pack_context.hpp"

#include <mutex>

#include "waymark/dsl/check.hpp"

namespace waymark::cli {

namespace {

std::string location_of(const dsl::SourceSet& sources, const dsl::FileId file, const std::size_t offset) {
  const dsl::SourceFile& f = sources.file(file);
  const dsl::LineColumn at = f.position(offset);
  return f.path() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

server::pages::PackCatalogue catalogue_of(const engine::PreparedPack& ready, const dsl::SourceSet& sources) {
  server::pages::PackCatalogue c;
  const engine::PackIdentity& identity = ready.compiled->identity();
  c.name = identity.name;
  c.version = identity.version;
  c.digest = identity.digest;
  for (const dsl::PackLayer& layer : ready.pack.layers) c.layers.push_back(layer.name + " " + layer.version);
  for (const dsl::CheckedRule& r : ready.checked.rules) {
    server::pages::PackRule rule;
    rule.id = r.qualified_id;
    rule.enabled = r.enabled;
    const dsl::Rule& written = *r.rule;
    for (const dsl::TextPart& part : written.title.parts) rule.title += part.expr ? "{…}" : part.text;
    if (rule.title.empty()) rule.title = written.title.source;
    rule.category = written.category ? written.category->text : "general";
    rule.severity = engine::severity_name(written.severity ? written.severity->level : dsl::SeverityLevel::medium);
    if (written.cite) {
      if (const auto* s = std::get_if<std::string>(&written.cite->value)) rule.cite = *s;
    }
    rule.location = location_of(sources, r.file, written.span.begin);
    const std::string_view text = sources.file(r.file).text();
    if (written.span.end <= text.size() && written.span.begin < written.span.end) {
      rule.source = text.substr(written.span.begin, written.span.end - written.span.begin);
    }
    c.rules.push_back(std::move(rule));
  }
  for (const dsl::ParamSymbol& p : ready.checked.params) {
    server::pages::PackParameter parameter;
    parameter.name = p.pack + "." + p.declaration->name.text;
    parameter.value = p.declaration->value.text;
    parameter.overridden = p.overridden;
    if (p.overridden) {
      // The nearest override as written: the last layer that names it wins (packs.md §1).
      for (const dsl::PackLayer& layer : ready.pack.layers) {
        for (const dsl::ParamOverride& o : layer.overrides) {
          if (o.name == parameter.name || o.name == p.declaration->name.text) parameter.value = o.value;
        }
      }
    }
    if (p.declaration->description) {
      if (const auto* s = std::get_if<std::string>(&p.declaration->description->value)) parameter.description = *s;
    }
    parameter.declared_at = location_of(sources, p.file, p.declaration->span.begin);
    c.parameters.push_back(std::move(parameter));
  }
  return c;
}

}  // namespace

std::shared_ptr<const server::pages::PackContext> pack_context(std::shared_ptr<engine::PreparedPack> ready,
                                                               std::shared_ptr<dsl::SourceSet> sources) {
  auto context = std::make_shared<server::pages::PackContext>();
  context->vocabulary = ready->pack.vocabulary;
  context->calendar = ready->compiled->program_calendar();
  context->catalogue = catalogue_of(*ready, *sources);
  auto lock = std::make_shared<std::mutex>();
  context->evaluate = [ready, sources, lock](const engine::Caseload& caseload, const dsl::Date as_of,
                                             const server::pages::ImpactRequest* request,
                                             std::vector<std::string>& problems) -> std::optional<engine::RunResult> {
    // One evaluation at a time: checking reads the shared sources, and a preview uses every core.
    const std::lock_guard<std::mutex> hold(*lock);
    dsl::Diagnostics diagnostics;
    engine::EvaluateOptions options;
    options.as_of = as_of;
    if (request == nullptr) {
      auto run = engine::evaluate(*ready->compiled, caseload, options, diagnostics);
      for (const dsl::Diagnostic& d : diagnostics.all()) problems.push_back(d.message);
      return run;
    }
    // A syntax tree is not copyable: the override joins the top layer for this evaluation only and
    // leaves again however it ends (under the lock; the served, compiled pack never reads it).
    dsl::ParamOverride o;
    o.name = request->parameter;
    o.value = request->value;
    std::vector<dsl::ParamOverride>& overrides = ready->pack.layers.back().overrides;
    overrides.push_back(o);
    struct Restore {
      std::vector<dsl::ParamOverride>& overrides;
      ~Restore() { overrides.pop_back(); }
    } restore{overrides};
    const dsl::CheckedPack checked = dsl::check(ready->pack, *sources, diagnostics);
    if (diagnostics.has_errors()) {
      for (const dsl::Diagnostic& d : diagnostics.all()) {
        if (d.severity == dsl::Severity::error) problems.push_back(d.message);
      }
      return std::nullopt;
    }
    const engine::CompiledPack compiled = engine::compile(ready->pack, checked, *sources, ready->compiled->program_calendar());
    auto run = engine::evaluate(compiled, caseload, options, diagnostics);
    if (!run) {
      for (const dsl::Diagnostic& d : diagnostics.all()) problems.push_back(d.message);
    }
    return run;
  };
  return context;
}

}  // namespace waymark::cli
