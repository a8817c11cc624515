// Pack tests (packs.md §2): each test names an as-of date, a case (inline or a file beside the
// test file) and what must (not) fire. A test "makes a rule fire" when it passes while expecting
// the rule in `flags` or `only`, and "makes it not fire" when it passes while listing it in
// `no_flags`, or leaving it out of `only`: coverage counts what tests assert, not what they happen to see.

#include "waymark/engine/pack_tests.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "waymark/dsl/yaml_document.hpp"
#include "waymark/engine/case_loader.hpp"

namespace waymark::engine {

std::size_t PackTestReport::passed() const {
  return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const PackTestResult& r) { return r.passed(); }));
}

std::size_t PackTestReport::failed() const { return results.size() - passed(); }

void PackTestReport::merge(PackTestReport other) {
  for (PackTestResult& r : other.results) results.push_back(std::move(r));
  made_fire.insert(other.made_fire.begin(), other.made_fire.end());
  made_not_fire.insert(other.made_not_fire.begin(), other.made_not_fire.end());
}

namespace {

using dsl::YamlNode;

const std::vector<std::string> test_keys{"test", "as_of", "case", "pupil", "records", "attendance", "parameters", "expect"};
const std::vector<std::string> expect_keys{"flags", "no_flags", "only", "suggested_tier", "due"};

std::string indent(const std::string& text, const std::string& by) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string::npos ? text.size() : end;
    out += by + text.substr(start, stop - start) + "\n";
    start = stop + 1;
  }
  return out;
}

class Runner {
public:
  Runner(PreparedPack& prepared, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics)
      : prepared_(prepared), pack_(prepared.pack), compiled_(*prepared.compiled), sources_(sources), diagnostics_(diagnostics) {
    for (const std::string& id : compiled_.rule_ids()) rules_.insert(id);
  }

  PackTestReport run() {
    for (const dsl::FileId file : pack_.top().test_files) run_file(file);
    return std::move(report_);
  }

private:
  std::size_t line_of(dsl::FileId file, const YamlNode& node) const { return sources_.file(file).position(node.offset).line; }

  void run_file(dsl::FileId file) {
    const std::optional<std::vector<YamlNode>> documents = dsl::read_yaml(sources_, file, diagnostics_);
    if (!documents) {
      report_.results.push_back({"(the whole file)", sources_.file(file).path(), 1, {"the test file is not valid; see the errors above"}});
      return;
    }
    for (const YamlNode& doc : *documents) {
      if (doc.is_null()) continue;
      if (!doc.is_sequence()) {
        diagnostics_.error(dsl::yaml_range(file, doc), "pack-test", "a test file is a list of tests: '- test: NAME'");
        report_.results.push_back({"(the whole file)", sources_.file(file).path(), line_of(file, doc), {"not a list of tests"}});
        continue;
      }
      for (const YamlNode& test : doc.items) run_test(file, test);
    }
  }

  std::vector<std::string> names(dsl::FileId file, const YamlNode* node, const char* key, PackTestResult& result) {
    std::vector<std::string> out;
    if (node == nullptr || node->is_null()) return out;
    if (!node->is_sequence()) {
      result.failures.push_back(std::string("'") + key + "' must be a list of rule ids: [pack/rule-id]");
      return out;
    }
    for (const YamlNode& item : node->items) {
      if (!item.is_scalar()) {
        result.failures.push_back(std::string("each entry of '") + key + "' is a rule id");
        continue;
      }
      if (rules_.count(item.value) == 0) {
        std::vector<std::string> all(rules_.begin(), rules_.end());
        result.failures.push_back("line " + std::to_string(line_of(file, item)) + ": '" + item.value +
                                  "' in '" + key + "' is not an enabled rule of this pack" + dsl::did_you_mean(item.value, all));
        continue;
      }
      out.push_back(item.value);
    }
    return out;
  }

  std::optional<Pupil> load_case(dsl::FileId file, const YamlNode& test, PackTestResult& result) {
    CaseLoader loader(compiled_.vocabulary());
    dsl::Diagnostics local;
    const YamlNode* path = test.find("case");
    bool ok = false;
    if (path != nullptr) {
      if (test.find("pupil") != nullptr || test.find("records") != nullptr || test.find("attendance") != nullptr) {
        result.failures.push_back("a test has either 'case: FILE' or an inline 'pupil:', not both");
        return std::nullopt;
      }
      if (!path->is_scalar()) {
        result.failures.push_back("'case' is the path of a case file, relative to the test file");
        return std::nullopt;
      }
      const std::filesystem::path beside = std::filesystem::path(sources_.file(file).path()).parent_path();
      ok = loader.add_path(beside / path->value, sources_, local);
    } else {
      // An inline case: the test's own pupil / records / attendance keys, positions kept.
      YamlNode document;
      document.kind = YamlNode::Kind::mapping;
      document.offset = test.offset;
      for (const auto& [key, value] : test.entries) {
        if (key.value == "pupil" || key.value == "records" || key.value == "attendance") document.entries.emplace_back(key, value);
      }
      ok = loader.add_yaml_document(sources_, file, document, local);
    }
    diagnostics_.append(local);
    if (!ok) {
      result.failures.push_back("its case could not be loaded (see the errors above)");
      return std::nullopt;
    }
    Caseload caseload = loader.finish();
    if (caseload.pupils.size() != 1) {
      result.failures.push_back("its case holds " + std::to_string(caseload.pupils.size()) +
                                " pupils; a test is about exactly one pupil");
      return std::nullopt;
    }
    return std::move(caseload.pupils.front());
  }

  void run_test(dsl::FileId file, const YamlNode& test) {
    PackTestResult result;
    result.file = sources_.file(file).path();
    result.line = line_of(file, test);
    if (!test.is_mapping()) {
      result.failures.push_back("a test is a mapping: '- test: NAME' with as_of, a case and expect");
      report_.results.push_back(std::move(result));
      return;
    }
    dsl::reject_unknown_keys(file, test, test_keys, "a test", diagnostics_);
    const YamlNode* name = test.find("test");
    result.name = name != nullptr && name->is_scalar() ? name->value : "(unnamed)";
    const YamlNode* as_of_node = test.find("as_of");
    const std::optional<dsl::Date> as_of =
        as_of_node != nullptr && as_of_node->is_scalar() ? dsl::Date::parse_iso(as_of_node->value) : std::nullopt;
    if (!as_of) result.failures.push_back("'as_of' must be a date (YYYY-MM-DD)");
    const YamlNode* expect = test.find("expect");
    if (expect == nullptr || !expect->is_mapping()) {
      result.failures.push_back("'expect' is a mapping of flags, no_flags, only, suggested_tier and due");
    } else {
      dsl::reject_unknown_keys(file, *expect, expect_keys, "expect", diagnostics_);
    }
    std::optional<Pupil> pupil = result.failures.empty() ? load_case(file, test, result) : std::nullopt;
    if (!result.failures.empty() || !pupil) {
      report_.results.push_back(std::move(result));
      return;
    }
    const std::vector<std::string> flags = names(file, expect->find("flags"), "flags", result);
    const std::vector<std::string> no_flags = names(file, expect->find("no_flags"), "no_flags", result);
    const YamlNode* only_node = expect->find("only");
    const std::vector<std::string> only = names(file, only_node, "only", result);
    const std::vector<std::string> due = names(file, expect->find("due"), "due", result);
    if (!compiled_.program_calendar().is_covered(*as_of)) {
      result.failures.push_back("no loaded calendar covers " + as_of->iso() + "; choose an as_of inside the pack's calendars");
    }
    if (!result.failures.empty()) {
      report_.results.push_back(std::move(result));
      return;
    }
    // A test may set parameters of its own; the pack is compiled again for it.
    std::optional<CompiledPack> own;
    if (const YamlNode* params = test.find("parameters")) {
      std::vector<dsl::ParamOverride> overrides;
      if (!params->is_mapping()) {
        result.failures.push_back("'parameters' maps parameter names to values: {review_interval: 2 weeks}");
      } else {
        for (const auto& [key, value] : params->entries) {
          overrides.push_back({key.value, value.is_scalar() ? value.value : std::string(), value.quoted,
                               dsl::yaml_range(file, key), dsl::yaml_range(file, value)});
        }
        dsl::Diagnostics local;
        own = compile_with_overrides(prepared_, overrides, sources_, local);
        diagnostics_.append(local);
        if (!own) result.failures.push_back("its parameters could not be applied (see the errors above)");
      }
      if (!result.failures.empty()) {
        report_.results.push_back(std::move(result));
        return;
      }
    }
    const CompiledPack& compiled = own ? *own : compiled_;
    const PupilResult actual = evaluate_pupil(compiled, *pupil, *as_of);
    std::set<std::string> fired;
    for (const Flag& f : actual.flags) fired.insert(f.rule);
    std::set<std::string> pending;
    for (const DueEntry& d : actual.due) pending.insert(d.rule);

    auto why_not = [&](const std::string& rule) {
      const auto explanations = explain_rule(compiled, *pupil, *as_of, rule);
      if (!explanations || explanations->empty()) return std::string("    (no binding to try: no record passed the rule's 'for each')\n");
      std::string text;
      for (const Explanation& e : *explanations) text += indent(explanation_text(e, compiled_.identity()), "    ");
      return text;
    };
    auto why = [&](const std::string& rule) {
      std::string text;
      for (const Flag& f : actual.flags) {
        if (f.rule == rule) text += indent(explanation_text(f.explanation, compiled_.identity()), "    ");
      }
      return text;
    };
    for (const std::string& r : flags) {
      if (fired.count(r) == 0) result.failures.push_back("expected " + r + " to fire, but it did not:\n" + why_not(r));
    }
    for (const std::string& r : no_flags) {
      if (fired.count(r) != 0) result.failures.push_back("expected " + r + " not to fire, but it did:\n" + why(r));
    }
    if (only_node != nullptr) {
      const std::set<std::string> wanted(only.begin(), only.end());
      for (const std::string& r : wanted) {
        if (fired.count(r) == 0) result.failures.push_back("expected only [...] to include " + r + ", but it did not fire:\n" + why_not(r));
      }
      for (const std::string& r : fired) {
        if (wanted.count(r) == 0) result.failures.push_back("unexpected flag " + r + " (not in 'only'):\n" + why(r));
      }
    }
    if (const YamlNode* tier = expect->find("suggested_tier")) {
      std::optional<std::int64_t> wanted;
      bool valid = tier->is_null();
      if (tier->is_scalar()) {
        const std::optional<dsl::Rational> n = dsl::Rational::parse_decimal(tier->value);
        valid = n && n->is_whole();
        if (valid) wanted = n->numerator();
      }
      if (!valid) {
        result.failures.push_back("'suggested_tier' is a tier number, or null for none");
      } else if (wanted != actual.suggested_tier) {
        result.failures.push_back("expected suggested tier " + (wanted ? std::to_string(*wanted) : std::string("none")) +
                                  ", got " + (actual.suggested_tier ? std::to_string(*actual.suggested_tier) : std::string("none")));
      }
    }
    for (const std::string& r : due) {
      if (pending.count(r) == 0) {
        result.failures.push_back("expected a due entry for " + r + ", but there is none" +
                                  (fired.count(r) != 0 ? " (it fired: its deadline has passed)" : "") + ":\n" + why_not(r));
      }
    }
    if (result.passed()) {
      report_.made_fire.insert(flags.begin(), flags.end());
      report_.made_fire.insert(only.begin(), only.end());
      report_.made_not_fire.insert(no_flags.begin(), no_flags.end());
      if (only_node != nullptr) {
        const std::set<std::string> wanted(only.begin(), only.end());
        for (const std::string& r : rules_) {
          if (wanted.count(r) == 0) report_.made_not_fire.insert(r);
        }
      }
    }
    report_.results.push_back(std::move(result));
  }

  PreparedPack& prepared_;
  const dsl::RulePack& pack_;
  const CompiledPack& compiled_;
  dsl::SourceSet& sources_;
  dsl::Diagnostics& diagnostics_;
  std::set<std::string> rules_;
  PackTestReport report_;
};

}  // namespace

PackTestReport run_pack_tests(PreparedPack& prepared, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics) {
  if (!prepared.compiled) return {};
  return Runner(prepared, sources, diagnostics).run();
}

std::optional<PackTestReport> test_pack(const PackRequest& request, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics) {
  PackRequest top_request = request;
  top_request.until = PackStage::compiled;
  std::unique_ptr<PreparedPack> top = prepare_pack(top_request, sources, diagnostics);
  if (!top) return std::nullopt;
  // Each layer's tests run against that layer as it stands on its own (bases first): a base's tests
  // describe the base, and an overlay's overrides and disables are meant to change what fires.
  PackTestReport report;
  for (std::size_t i = 0; i + 1 < top->pack.layers.size(); ++i) {
    if (top->pack.layers[i].test_files.empty()) continue;
    PackRequest base_request = top_request;
    base_request.pack = top->pack.layers[i].folder;
    base_request.overrides.clear();
    base_request.outline = nullptr;
    std::unique_ptr<PreparedPack> base = prepare_pack(base_request, sources, diagnostics);
    if (!base) return std::nullopt;
    report.merge(run_pack_tests(*base, sources, diagnostics));
  }
  report.merge(run_pack_tests(*top, sources, diagnostics));
  report.rules = top->compiled->rule_ids();
  return report;
}

}  // namespace waymark::engine
