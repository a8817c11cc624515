#include "reports.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "waymark/dsl/printable.hpp"
#include "waymark/engine/csv_text.hpp"
#include "waymark/engine/result_json.hpp"

namespace waymark::cli {

using nlohmann::ordered_json;

namespace {

// Writes `j` as nlohmann's dump(2) would at nesting depth `indent` (in spaces): every line after the
// first moves right by `indent`. JSON text never holds a raw newline inside a string, so this is exact.
void put_indented(std::ostream& out, const ordered_json& j, std::size_t indent) {
  const std::string text = j.dump(2, ' ', false, ordered_json::error_handler_t::replace);
  const std::string pad(indent, ' ');
  std::size_t from = 0;
  for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', from)) {
    out.write(text.data() + from, static_cast<std::streamsize>(at + 1 - from));
    out << pad;
    from = at + 1;
  }
  out.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
}

}  // namespace

void write_json_report(std::ostream& out, const engine::RunResult& run, const ReportOptions& options) {
  // Keys and their order are fixed by cli.md; the bytes are those of one ordered_json document
  // dumped with indent 2, written a pupil at a time so the whole document is never held in memory.
  const ordered_json pack = {{"name", run.pack.name}, {"version", run.pack.version}, {"digest", run.pack.digest}};
  out << "{\n  \"waymark\": 1,\n  \"as_of\": ";
  put_indented(out, ordered_json(run.as_of.iso()), 2);
  out << ",\n  \"pack\": ";
  put_indented(out, pack, 2);
  out << ",\n  \"pupils\": ";
  std::size_t flagged = 0;
  std::size_t flags = 0;
  if (run.pupils.empty()) out << "[]";
  for (std::size_t i = 0; i < run.pupils.size(); ++i) {
    const engine::PupilResult& p = run.pupils[i];
    out << (i == 0 ? "[\n    " : ",\n    ");
    put_indented(out, engine::pupil_json(p, options.explain), 4);
    flagged += p.flags.empty() ? 0 : 1;
    flags += p.flags.size();
  }
  if (!run.pupils.empty()) out << "\n  ]";
  const ordered_json summary = {{"pupils", run.pupils.size()}, {"flagged", flagged}, {"flags", flags}};
  out << ",\n  \"summary\": ";
  put_indented(out, summary, 2);
  out << "\n}\n";
}

std::string json_report(const engine::RunResult& run, const ReportOptions& options) {
  std::ostringstream out;
  write_json_report(out, run, options);
  return out.str();
}

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : "; ") + s;
  return out;
}

}  // namespace

namespace {

// OWASP, "CSV Injection": a cell that begins with = + - @ tab or carriage return is read by a
// spreadsheet as a formula. A leading apostrophe makes it text again, and shows as nothing.
std::string cell(std::string_view text, bool terminal) {
  std::string value = terminal ? dsl::printable(text) : std::string(text);
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    value.insert(value.begin(), '\'');
  }
  return engine::csv_field(value);
}

}  // namespace

// docs/guide-senco.md, "The CSV report": one row per flag or due entry, flags first from the most
// severe (urgent, high, medium, low: their rank, not their spelling), then due entries by deadline;
// within those, by pupil and the order the run gave them. The first eight columns are cli.md's.
void write_csv_report(std::ostream& out, const engine::RunResult& run, bool terminal) {
  struct Row {
    int rank;  // severity rank for flags (3 urgent .. 0 low); -1 for due entries
    std::string deadline;
    const engine::PupilResult* pupil;
    std::size_t position;
    const engine::Flag* flag;
    const engine::DueEntry* due;
  };
  std::vector<Row> rows;
  for (const engine::PupilResult& p : run.pupils) {
    for (std::size_t i = 0; i < p.flags.size(); ++i) {
      rows.push_back({static_cast<int>(p.flags[i].severity), "", &p, i, &p.flags[i], nullptr});
    }
    for (std::size_t i = 0; i < p.due.size(); ++i) {
      // A deadline beyond the calendar sorts last ("~" after every digit).
      rows.push_back({-1, p.due[i].deadline ? p.due[i].deadline->iso() : "~", &p, i, nullptr, &p.due[i]});
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    if (a.deadline != b.deadline) return a.deadline < b.deadline;
    if (a.pupil->id != b.pupil->id) return a.pupil->id < b.pupil->id;
    return a.position < b.position;
  });
  const std::string tail = "," + run.as_of.iso() + "," + cell(run.pack.name, terminal) + "," +
                           cell(run.pack.version, terminal) + "\r\n";
  out << "pupil_id,rule,severity,category,tier,title,evidence,actions,notify,entry,deadline,as_of,pack,pack_version\r\n";
  for (const Row& r : rows) {
    if (r.flag != nullptr) {
      const engine::Flag& f = *r.flag;
      out << cell(r.pupil->id, terminal) << ',' << cell(f.rule, terminal) << ',' << engine::severity_name(f.severity)
          << ',' << cell(f.category, terminal) << ',' << (f.tier ? std::to_string(*f.tier) : std::string()) << ','
          << cell(f.title, terminal) << ',' << cell(joined(f.evidence), terminal) << ','
          << cell(joined(f.actions), terminal) << ',' << cell(joined(f.notify), terminal) << ",flag," << tail;
    } else {
      const engine::DueEntry& d = *r.due;
      out << cell(r.pupil->id, terminal) << ',' << cell(d.rule, terminal) << ",,,," << cell(d.title, terminal) << ','
          << cell(joined(d.evidence), terminal) << ',' << cell(joined(d.actions), terminal) << ",,due,"
          << (d.deadline ? d.deadline->iso() : std::string()) << tail;
    }
  }
}

std::string csv_report(const engine::RunResult& run, bool terminal) {
  std::ostringstream out;
  write_csv_report(out, run, terminal);
  return out.str();
}

namespace {

int worst(const engine::PupilResult& p) {
  int w = -1;
  for (const engine::Flag& f : p.flags) w = std::max(w, static_cast<int>(f.severity));
  return w;
}

// Text from the case data or the pack, made safe for a terminal (issue 10.6).
std::string shown(std::string_view text) { return dsl::printable(text); }

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
  std::ostringstream out;
  write_text_report(out, run, caseload, options);
  return out.str();
}

void write_text_report(std::ostream& out, const engine::RunResult& run, const engine::Caseload& caseload,
                       const ReportOptions& options) {
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
  out << bold << "Waymark as of " << run.as_of.iso() << reset << " - pack " << shown(run.pack.name) << " " << shown(run.pack.version)
      << "\n\n";
  std::size_t counts[4] = {0, 0, 0, 0};
  std::size_t flagged = 0;
  for (const engine::PupilResult* p : order) {
    std::string name;
    if (!options.redact) {
      if (const engine::Pupil* pupil = caseload.find(p->id); pupil != nullptr && pupil->name) name = " " + shown(*pupil->name);
    }
    out << bold << shown(p->id) << reset << name << "  ";
    out << "current tier " << (p->current_tier == 0 ? std::string("none") : std::to_string(p->current_tier));
    if (p->suggested_tier) out << ", suggested tier " << *p->suggested_tier;
    out << "\n";
    if (!p->flags.empty()) ++flagged;
    for (const engine::Flag& f : p->flags) {
      ++counts[static_cast<int>(f.severity)];
      std::string severity = upper(engine::severity_name(f.severity));
      severity.resize(7, ' ');
      out << "  " << tone(f.severity) << severity << reset << shown(f.title);
      if (!f.evidence.empty()) out << dim << "  [" << shown(joined(f.evidence)) << "]" << reset;
      out << "\n";
      for (const std::string& a : f.actions) out << "         -> " << shown(a) << "\n";
      if (!f.notify.empty()) {
        std::string roles;
        for (const std::string& r : f.notify) roles += (roles.empty() ? "" : ", ") + shown(r);
        out << "         -> tell: " << roles << "\n";
      }
    }
    if (!p->due.empty()) {
      out << "  due:\n";
      for (const engine::DueEntry& d : p->due) {
        out << "    by " << (d.deadline ? d.deadline->iso() : std::string("(date beyond the calendar)")) << "  "
            << shown(d.title);
        if (!d.evidence.empty()) out << dim << "  [" << shown(joined(d.evidence)) << "]" << reset;
        out << "\n";
        for (const std::string& a : d.actions) out << "         -> " << shown(a) << "\n";
      }
    }
    out << "\n";
  }
  std::size_t total = 0;
  for (const std::size_t c : counts) total += c;
  out << run.pupils.size() << (run.pupils.size() == 1 ? " pupil" : " pupils") << " evaluated, " << flagged
      << " flagged; " << total << (total == 1 ? " flag" : " flags") << ": " << counts[3] << " urgent, " << counts[2]
      << " high, " << counts[1] << " medium, " << counts[0] << " low\n";
}

}  // namespace waymark::cli
