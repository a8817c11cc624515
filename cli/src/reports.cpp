#include "reports.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "waymark/engine/csv_text.hpp"
#include "waymark/engine/result_json.hpp"

namespace waymark::cli {

using nlohmann::ordered_json;

std::string json_report(const engine::RunResult& run, const ReportOptions& options) {
  // Keys and their order are fixed by cli.md; ordered_json keeps them as inserted.
  ordered_json root;
  root["waymark"] = 1;
  root["as_of"] = run.as_of.iso();
  root["pack"] = {{"name", run.pack.name}, {"version", run.pack.version}, {"digest", run.pack.digest}};
  ordered_json pupils = ordered_json::array();
  std::size_t flagged = 0;
  std::size_t flags = 0;
  for (const engine::PupilResult& p : run.pupils) {
    ordered_json pj = engine::pupil_json(p, options.explain);
    flagged += p.flags.empty() ? 0 : 1;
    flags += p.flags.size();
    pupils.push_back(std::move(pj));
  }
  root["pupils"] = std::move(pupils);
  root["summary"] = {{"pupils", run.pupils.size()}, {"flagged", flagged}, {"flags", flags}};
  return root.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : "; ") + s;
  return out;
}

}  // namespace

std::string csv_report(const engine::RunResult& run) {
  using engine::csv_field;
  std::ostringstream out;
  out << "pupil_id,rule,severity,category,tier,title,evidence,actions\r\n";
  for (const engine::PupilResult& p : run.pupils) {
    for (const engine::Flag& f : p.flags) {
      out << csv_field(p.id) << ',' << csv_field(f.rule) << ',' << engine::severity_name(f.severity) << ','
          << csv_field(f.category) << ',' << (f.tier ? std::to_string(*f.tier) : std::string()) << ','
          << csv_field(f.title) << ',' << csv_field(joined(f.evidence)) << ',' << csv_field(joined(f.actions)) << "\r\n";
    }
  }
  return out.str();
}

namespace {

int worst(const engine::PupilResult& p) {
  int w = -1;
  for (const engine::Flag& f : p.flags) w = std::max(w, static_cast<int>(f.severity));
  return w;
}

std::string upper(const char* s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

}  // namespace

std::vector<const engine::PupilResult*> attention_order(const engine::RunResult& run) {
  std::vector<const engine::PupilResult*> order;
  for (const engine::PupilResult& p : run.pupils) {
    if (!p.flags.empty() || !p.due.empty()) order.push_back(&p);
  }
  std::stable_sort(order.begin(), order.end(), [](const engine::PupilResult* a, const engine::PupilResult* b) {
    if (worst(*a) != worst(*b)) return worst(*a) > worst(*b);
    if (a->flags.size() != b->flags.size()) return a->flags.size() > b->flags.size();
    return a->id < b->id;
  });
  return order;
}

std::string text_report(const engine::RunResult& run, const engine::Caseload& caseload, const ReportOptions& options) {
  const char* bold = options.colour ? "\033[1m" : "";
  const char* dim = options.colour ? "\033[2m" : "";
  const char* reset = options.colour ? "\033[0m" : "";
  auto tone = [&](dsl::SeverityLevel s) -> const char* {
    if (!options.colour) return "";
    switch (s) {
      case dsl::SeverityLevel::urgent: return "\033[1;31m";
      case dsl::SeverityLevel::high: return "\033[31m";
      case dsl::SeverityLevel::medium: return "\033[33m";
      default: return "\033[36m";
    }
  };
  const std::vector<const engine::PupilResult*> order = attention_order(run);
  std::ostringstream out;
  out << bold << "Waymark as of " << run.as_of.iso() << reset << " - pack " << run.pack.name << " " << run.pack.version
      << "\n\n";
  std::size_t counts[4] = {0, 0, 0, 0};
  std::size_t flagged = 0;
  for (const engine::PupilResult* p : order) {
    std::string name;
    if (!options.redact) {
      if (const engine::Pupil* pupil = caseload.find(p->id); pupil != nullptr && pupil->name) name = " " + *pupil->name;
    }
    out << bold << p->id << reset << name << "  ";
    out << "current tier " << (p->current_tier == 0 ? std::string("none") : std::to_string(p->current_tier));
    if (p->suggested_tier) out << ", suggested tier " << *p->suggested_tier;
    out << "\n";
    if (!p->flags.empty()) ++flagged;
    for (const engine::Flag& f : p->flags) {
      ++counts[static_cast<int>(f.severity)];
      std::string severity = upper(engine::severity_name(f.severity));
      severity.resize(7, ' ');
      out << "  " << tone(f.severity) << severity << reset << f.title;
      if (!f.evidence.empty()) out << dim << "  [" << joined(f.evidence) << "]" << reset;
      out << "\n";
      for (const std::string& a : f.actions) out << "         -> " << a << "\n";
      if (!f.notify.empty()) {
        std::string roles;
        for (const std::string& r : f.notify) roles += (roles.empty() ? "" : ", ") + r;
        out << "         -> tell: " << roles << "\n";
      }
    }
    if (!p->due.empty()) {
      out << "  due:\n";
      for (const engine::DueEntry& d : p->due) {
        out << "    by " << (d.deadline ? d.deadline->iso() : std::string("(date beyond the calendar)")) << "  "
            << d.title;
        if (!d.evidence.empty()) out << dim << "  [" << joined(d.evidence) << "]" << reset;
        out << "\n";
        for (const std::string& a : d.actions) out << "         -> " << a << "\n";
      }
    }
    out << "\n";
  }
  std::size_t total = 0;
  for (const std::size_t c : counts) total += c;
  out << run.pupils.size() << (run.pupils.size() == 1 ? " pupil" : " pupils") << " evaluated, " << flagged
      << " flagged; " << total << (total == 1 ? " flag" : " flags") << ": " << counts[3] << " urgent, " << counts[2]
      << " high, " << counts[1] << " medium, " << counts[0] << " low\n";
  return out.str();
}

}  // namespace waymark::cli
