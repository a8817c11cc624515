// The JSON, CSV and text reports of `waymark run` (cli.md), drawn a slice of pupils at a time into a
// Spool and written whole at the end (RunReport). html_report.cpp has the HTML report.

#include "reports.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "waymark/dsl/printable.hpp"
#include "waymark/engine/csv_text.hpp"
#include "waymark/engine/result_json.hpp"

namespace waymark::cli {

using nlohmann::ordered_json;

namespace {

int worst_severity(const engine::PupilResult& p) {
  int w = -1;
  for (const engine::Flag& f : p.flags) w = std::max(w, static_cast<int>(f.severity));
  return w;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : "; ") + s;
  return out;
}

// --- JSON ---------------------------------------------------------------------------------------

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

// Keys and their order are fixed by cli.md; the bytes are those of one ordered_json document dumped
// with indent 2: the pupils' array is drawn a pupil at a time, the summary after it.
class JsonReport : public RunReport {
public:
  JsonReport(const RunHeader& header, const ReportOptions& options) : header_(header), options_(options), parts_(spool_) {}

  bool explains() const override { return options_.explain; }

  bool add(const std::vector<engine::PupilResult>& results, const std::vector<engine::Pupil>&,
           dsl::Diagnostics& diagnostics) override {
    for (const engine::PupilResult& p : results) {
      parts_.out() << (pupils_ == 0 ? "[\n    " : ",\n    ");
      put_indented(parts_.out(), engine::pupil_json(p, options_.explain), 4);
      ++pupils_;
      flagged_ += p.flags.empty() ? 0 : 1;
      flags_ += p.flags.size();
      Spool::Span ignored;  // the pupils are copied whole
      if (!parts_.end_part(ignored, diagnostics)) return false;
    }
    return parts_.flush(diagnostics);
  }

  bool write(std::ostream& out, dsl::Diagnostics& diagnostics) override {
    const ordered_json pack = {
        {"name", header_.pack.name}, {"version", header_.pack.version}, {"digest", header_.pack.digest}};
    out << "{\n  \"waymark\": 1,\n  \"as_of\": ";
    put_indented(out, ordered_json(header_.as_of.iso()), 2);
    out << ",\n  \"pack\": ";
    put_indented(out, pack, 2);
    out << ",\n  \"pupils\": ";
    if (pupils_ == 0) out << "[]";
    if (!spool_.copy(spool_.all(), out, diagnostics)) return false;
    if (pupils_ != 0) out << "\n  ]";
    const ordered_json summary = {{"pupils", pupils_}, {"flagged", flagged_}, {"flags", flags_}};
    out << ",\n  \"summary\": ";
    put_indented(out, summary, 2);
    out << "\n}\n";
    return true;
  }

private:
  RunHeader header_;
  ReportOptions options_;
  SpoolWriter parts_;
  std::size_t pupils_ = 0;
  std::size_t flagged_ = 0;
  std::size_t flags_ = 0;
};

// --- CSV ----------------------------------------------------------------------------------------

// OWASP, "CSV Injection": a cell that begins with = + - @ tab or carriage return is read by a
// spreadsheet as a formula. A leading apostrophe makes it text again, and shows as nothing.
std::string cell(std::string_view text, bool terminal) {
  std::string value = terminal ? dsl::printable(text) : std::string(text);
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    value.insert(value.begin(), '\'');
  }
  return engine::csv_field(value);
}

// docs/guide-senco.md, "The CSV report": one row per flag or due entry, flags first from the most
// severe (urgent, high, medium, low: their rank, not their spelling), then due entries by deadline;
// within those, by pupil and the order the run gave them. The first eight columns are cli.md's.
class CsvReport : public RunReport {
public:
  CsvReport(const RunHeader& header, bool terminal)
      : terminal_(terminal),
        tail_("," + header.as_of.iso() + "," + cell(header.pack.name, terminal) + "," +
              cell(header.pack.version, terminal) + "\r\n"),
        rows_(spool_) {}

  bool explains() const override { return false; }

  bool add(const std::vector<engine::PupilResult>& results, const std::vector<engine::Pupil>&,
           dsl::Diagnostics& diagnostics) override {
    std::ostream& out = rows_.out();
    for (const engine::PupilResult& p : results) {
      for (std::size_t i = 0; i < p.flags.size(); ++i) {
        const engine::Flag& f = p.flags[i];
        out << cell(p.id, terminal_) << ',' << cell(f.rule, terminal_) << ',' << engine::severity_name(f.severity) << ','
            << cell(f.category, terminal_) << ',' << (f.tier ? std::to_string(*f.tier) : std::string()) << ','
            << cell(f.title, terminal_) << ',' << cell(joined(f.evidence), terminal_) << ','
            << cell(joined(f.actions), terminal_) << ',' << cell(joined(f.notify), terminal_) << ",flag," << tail_;
        if (!rows_.end_part(Row{static_cast<int>(f.severity), "", p.id, i}, diagnostics)) return false;
      }
      for (std::size_t i = 0; i < p.due.size(); ++i) {
        const engine::DueEntry& d = p.due[i];
        out << cell(p.id, terminal_) << ',' << cell(d.rule, terminal_) << ",,,," << cell(d.title, terminal_) << ','
            << cell(joined(d.evidence), terminal_) << ',' << cell(joined(d.actions), terminal_) << ",,due,"
            << (d.deadline ? d.deadline->iso() : std::string()) << tail_;
        // A deadline beyond the calendar sorts last ("~" after every digit).
        if (!rows_.end_part(Row{-1, d.deadline ? d.deadline->iso() : "~", p.id, i}, diagnostics)) return false;
      }
    }
    return rows_.flush(diagnostics);
  }

  bool write(std::ostream& out, dsl::Diagnostics& diagnostics) override {
    rows_.sort([](const Row& a, const Row& b) {
      if (a.rank != b.rank) return a.rank > b.rank;
      if (a.deadline != b.deadline) return a.deadline < b.deadline;
      if (a.pupil != b.pupil) return a.pupil < b.pupil;
      return a.position < b.position;
    });
    out << "pupil_id,rule,severity,category,tier,title,evidence,actions,notify,entry,deadline,as_of,pack,pack_version\r\n";
    return rows_.copy_all(out, diagnostics);
  }

private:
  struct Row {
    int rank;  // severity rank for flags (3 urgent .. 0 low); -1 for due entries
    std::string deadline;
    std::string pupil;
    std::size_t position;
  };
  bool terminal_;
  std::string tail_;
  OrderedParts<Row> rows_;
};

// --- text ---------------------------------------------------------------------------------------

// Text from the case data or the pack, made safe for a terminal (issue 10.6).
std::string shown(std::string_view text) { return dsl::printable(text); }

std::string upper(const char* s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

class TextReport : public RunReport {
public:
  TextReport(const RunHeader& header, const ReportOptions& options) : header_(header), options_(options), shown_(spool_) {}

  bool explains() const override { return false; }

  bool add(const std::vector<engine::PupilResult>& results, const std::vector<engine::Pupil>& pupils,
           dsl::Diagnostics& diagnostics) override {
    for (std::size_t i = 0; i < results.size(); ++i) {
      const engine::PupilResult& p = results[i];
      ++pupils_;
      if (p.flags.empty() && p.due.empty()) continue;
      write_pupil(shown_.out(), p, i < pupils.size() ? &pupils[i] : nullptr);
      if (!shown_.end_part(AttentionKey::of(p), diagnostics)) return false;
    }
    return shown_.flush(diagnostics);
  }

  bool write(std::ostream& out, dsl::Diagnostics& diagnostics) override {
    shown_.sort(std::less<>());
    out << bold() << "Waymark as of " << header_.as_of.iso() << reset() << " - pack " << shown(header_.pack.name) << " "
        << shown(header_.pack.version) << "\n\n";
    if (!shown_.copy_all(out, diagnostics)) return false;
    std::size_t total = 0;
    for (const std::size_t c : counts_) total += c;
    out << pupils_ << (pupils_ == 1 ? " pupil" : " pupils") << " evaluated, " << flagged_ << " flagged; " << total
        << (total == 1 ? " flag" : " flags") << ": " << counts_[3] << " urgent, " << counts_[2] << " high, "
        << counts_[1] << " medium, " << counts_[0] << " low\n";
    return true;
  }

private:
  const char* bold() const { return options_.colour ? "\033[1m" : ""; }
  const char* dim() const { return options_.colour ? "\033[2m" : ""; }
  const char* reset() const { return options_.colour ? "\033[0m" : ""; }
  const char* tone(dsl::SeverityLevel s) const {
    if (!options_.colour) return "";
    switch (s) {
      case dsl::SeverityLevel::urgent: return "\033[1;31m";
      case dsl::SeverityLevel::high: return "\033[31m";
      case dsl::SeverityLevel::medium: return "\033[33m";
      default: return "\033[36m";
    }
  }

  // One pupil needing attention: tiers, each flag with its next steps, the due deadlines.
  void write_pupil(std::ostream& out, const engine::PupilResult& p, const engine::Pupil* pupil) {
    std::string name;
    if (!options_.redact && pupil != nullptr && pupil->name) name = " " + shown(*pupil->name);
    out << bold() << shown(p.id) << reset() << name << "  ";
    out << "current tier " << (p.current_tier == 0 ? std::string("none") : std::to_string(p.current_tier));
    if (p.suggested_tier) out << ", suggested tier " << *p.suggested_tier;
    out << "\n";
    if (!p.flags.empty()) ++flagged_;
    for (const engine::Flag& f : p.flags) {
      ++counts_[static_cast<int>(f.severity)];
      std::string severity = upper(engine::severity_name(f.severity));
      severity.resize(7, ' ');
      out << "  " << tone(f.severity) << severity << reset() << shown(f.title);
      if (!f.evidence.empty()) out << dim() << "  [" << shown(joined(f.evidence)) << "]" << reset();
      out << "\n";
      for (const std::string& a : f.actions) out << "         -> " << shown(a) << "\n";
      if (!f.notify.empty()) {
        std::string roles;
        for (const std::string& r : f.notify) roles += (roles.empty() ? "" : ", ") + shown(r);
        out << "         -> tell: " << roles << "\n";
      }
    }
    if (!p.due.empty()) {
      out << "  due:\n";
      for (const engine::DueEntry& d : p.due) {
        out << "    by " << (d.deadline ? d.deadline->iso() : std::string("(date beyond the calendar)")) << "  "
            << shown(d.title);
        if (!d.evidence.empty()) out << dim() << "  [" << shown(joined(d.evidence)) << "]" << reset();
        out << "\n";
        for (const std::string& a : d.actions) out << "         -> " << shown(a) << "\n";
      }
    }
    out << "\n";
  }

  RunHeader header_;
  ReportOptions options_;
  OrderedParts<AttentionKey> shown_;  // the pupils needing attention
  std::size_t pupils_ = 0;
  std::size_t flagged_ = 0;
  std::size_t counts_[4] = {0, 0, 0, 0};
};

}  // namespace

AttentionKey AttentionKey::of(const engine::PupilResult& p) { return {worst_severity(p), p.flags.size(), p.id}; }

bool AttentionKey::operator<(const AttentionKey& other) const {
  if (worst != other.worst) return worst > other.worst;
  if (flags != other.flags) return flags > other.flags;
  return id < other.id;
}

std::vector<const engine::PupilResult*> attention_order(const engine::RunResult& run) {
  std::vector<const engine::PupilResult*> order;
  for (const engine::PupilResult& p : run.pupils) {
    if (!p.flags.empty() || !p.due.empty()) order.push_back(&p);
  }
  std::stable_sort(order.begin(), order.end(), [](const engine::PupilResult* a, const engine::PupilResult* b) {
    return AttentionKey::of(*a) < AttentionKey::of(*b);
  });
  return order;
}

std::unique_ptr<RunReport> json_run_report(const RunHeader& header, const ReportOptions& options) {
  return std::make_unique<JsonReport>(header, options);
}

std::unique_ptr<RunReport> csv_run_report(const RunHeader& header, bool terminal) {
  return std::make_unique<CsvReport>(header, terminal);
}

std::unique_ptr<RunReport> text_run_report(const RunHeader& header, const ReportOptions& options) {
  return std::make_unique<TextReport>(header, options);
}

std::unique_ptr<RunReport> make_run_report(const std::string& format, const RunHeader& header,
                                           const ReportOptions& options, bool terminal,
                                           const engine::Calendar& calendar, const dsl::Vocabulary& vocabulary,
                                           const std::string& spool_directory, dsl::Diagnostics& diagnostics) {
  std::unique_ptr<RunReport> report;
  if (format == "json") report = json_run_report(header, options);
  else if (format == "csv") report = csv_run_report(header, terminal);
  else if (format == "html") report = html_run_report(header, calendar, vocabulary, options);
  else report = text_run_report(header, options);
  return report->open(spool_directory, diagnostics) ? std::move(report) : nullptr;
}

}  // namespace waymark::cli
