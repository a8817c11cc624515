// `waymark history --db FILE --pupil ID [--format text|json]` (cli.md): every stored run's flags for a
// pupil, marked new, continuing or resolved, with due entries and acknowledgements (who, when, what).

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "waymark/store/store.hpp"

namespace waymark::cli {

namespace {

struct HistoryOptions {
  std::string db;
  std::string pupil;
  std::string format = "text";
};

std::string short_digest(const std::string& digest) {
  return digest.size() > 19 ? digest.substr(0, 19) + "…" : digest;
}

std::string ack_line(const store::Acknowledgement& a) {
  return "acknowledged " + a.at + " by " + a.by + " (ack " + std::to_string(a.id) + "): " + a.note;
}

std::string evidence_text(const std::vector<std::string>& evidence) {
  if (evidence.empty()) return "";
  std::string out = " [";
  for (std::size_t i = 0; i < evidence.size(); ++i) out += (i > 0 ? ", " : "") + evidence[i];
  return out + "]";
}

std::string text_history(const store::PupilHistory& h, const std::string& db) {
  std::ostringstream out;
  out << "pupil " << h.pupil << " in '" << db << "'\n";
  out << "case data: ";
  if (h.versions.empty()) out << "none stored";
  for (std::size_t i = 0; i < h.versions.size(); ++i) {
    const store::HistoryVersion& v = h.versions[i];
    out << (i > 0 ? "; " : "") << "#" << v.version << " (import " << v.import_id << ", " << v.imported << ", "
        << v.records << (v.records == 1 ? " record" : " records") << ")";
  }
  out << "\n";
  if (h.runs.empty()) out << "\nno stored run has evaluated this pupil yet\n";
  for (const store::HistoryRun& r : h.runs) {
    out << "\nrun " << r.run << ": as of " << r.as_of.iso() << ", pack " << r.pack.name << " " << r.pack.version
        << " (" << short_digest(r.pack.digest) << "), stored " << r.finished << ", case data #" << r.version
        << "\n";
    out << "  tier " << (r.current_tier == 0 ? std::string("none") : std::to_string(r.current_tier));
    if (r.suggested_tier) out << ", suggested tier " << *r.suggested_tier;
    if (r.previous_run) {
      out << "; compared with run " << *r.previous_run;
    } else {
      out << "; first run of this pack for the pupil";
    }
    out << "\n";
    if (r.flags.empty() && r.resolved.empty()) out << "  no flags\n";
    for (const store::HistoryFlag& f : r.flags) {
      const bool fresh = f.status == store::FlagStatus::new_flag;
      out << "  " << (fresh ? "new        " : "continuing ") << "flag " << f.id << "  "
          << engine::severity_name(f.flag.severity) << "  " << f.flag.title << evidence_text(f.flag.evidence);
      if (!fresh) out << "  (since run " << f.first_raised_run << ")";
      out << "\n";
      for (const store::Acknowledgement& a : f.earlier_acknowledgements) {
        out << "      earlier: " << ack_line(a) << " [flag " << a.flag << "]\n";
      }
      for (const store::Acknowledgement& a : f.acknowledgements) out << "      " << ack_line(a) << "\n";
      if (f.acknowledgements.empty() && f.earlier_acknowledgements.empty()) out << "      not acknowledged\n";
    }
    for (const store::ResolvedFlag& f : r.resolved) {
      out << "  resolved   " << f.title << (f.bound_item.empty() ? "" : " [" + f.bound_item + "]")
          << "  (was flag " << f.last_flag << " in run " << r.previous_run.value_or(0) << ")\n";
    }
    for (const engine::DueEntry& d : r.due) {
      out << "  due        " << d.title << evidence_text(d.evidence) << ": by "
          << (d.deadline ? d.deadline->iso() : std::string("a date beyond the loaded calendar")) << "\n";
    }
  }
  return out.str();
}

std::string json_history(const store::PupilHistory& h) {
  using nlohmann::ordered_json;
  const auto ack_json = [](const store::Acknowledgement& a) {
    ordered_json j;
    j["id"] = a.id;
    j["flag"] = a.flag;
    j["by"] = a.by;
    j["at"] = a.at;
    j["note"] = a.note;
    return j;
  };
  ordered_json root;
  root["pupil"] = h.pupil;
  ordered_json versions = ordered_json::array();
  for (const store::HistoryVersion& v : h.versions) {
    ordered_json j;
    j["version"] = v.version;
    j["import"] = v.import_id;
    j["imported"] = v.imported;
    j["records"] = v.records;
    j["digest"] = v.digest;
    versions.push_back(std::move(j));
  }
  root["versions"] = std::move(versions);
  ordered_json runs = ordered_json::array();
  for (const store::HistoryRun& r : h.runs) {
    ordered_json j;
    j["run"] = r.run;
    j["as_of"] = r.as_of.iso();
    j["pack"] = {{"name", r.pack.name}, {"version", r.pack.version}, {"digest", r.pack.digest}};
    j["stored"] = r.finished;
    j["version"] = r.version;
    j["current_tier"] = r.current_tier == 0 ? ordered_json(nullptr) : ordered_json(r.current_tier);
    j["suggested_tier"] = r.suggested_tier ? ordered_json(*r.suggested_tier) : ordered_json(nullptr);
    j["previous_run"] = r.previous_run ? ordered_json(*r.previous_run) : ordered_json(nullptr);
    ordered_json flags = ordered_json::array();
    for (const store::HistoryFlag& f : r.flags) {
      ordered_json fj;
      fj["id"] = f.id;
      fj["status"] = f.status == store::FlagStatus::new_flag ? "new" : "continuing";
      fj["since_run"] = f.first_raised_run;
      fj["rule"] = f.flag.rule;
      fj["title"] = f.flag.title;
      fj["severity"] = engine::severity_name(f.flag.severity);
      fj["tier"] = f.flag.tier ? ordered_json(*f.flag.tier) : ordered_json(nullptr);
      fj["evidence"] = f.flag.evidence;
      fj["acknowledgements"] = ordered_json::array();
      for (const auto& a : f.acknowledgements) fj["acknowledgements"].push_back(ack_json(a));
      fj["earlier_acknowledgements"] = ordered_json::array();
      for (const auto& a : f.earlier_acknowledgements) fj["earlier_acknowledgements"].push_back(ack_json(a));
      flags.push_back(std::move(fj));
    }
    j["flags"] = std::move(flags);
    ordered_json resolved = ordered_json::array();
    for (const store::ResolvedFlag& f : r.resolved) {
      ordered_json rj;
      rj["rule"] = f.rule;
      rj["title"] = f.title;
      rj["bound_item"] = f.bound_item.empty() ? ordered_json(nullptr) : ordered_json(f.bound_item);
      rj["last_flag"] = f.last_flag;
      resolved.push_back(std::move(rj));
    }
    j["resolved"] = std::move(resolved);
    ordered_json due = ordered_json::array();
    for (const engine::DueEntry& d : r.due) {
      ordered_json dj;
      dj["rule"] = d.rule;
      dj["title"] = d.title;
      dj["evidence"] = d.evidence;
      dj["deadline"] = d.deadline ? ordered_json(d.deadline->iso()) : ordered_json(nullptr);
      due.push_back(std::move(dj));
    }
    j["due"] = std::move(due);
    runs.push_back(std::move(j));
  }
  root["runs"] = std::move(runs);
  return root.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

int run_history(const HistoryOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  store::OpenOptions open;
  open.mode = store::OpenMode::read;
  auto db = store::Store::open(options.db, open, diagnostics);
  std::optional<store::PupilHistory> history;
  if (db) history = db->history(options.pupil, diagnostics);
  print_diagnostics(std::cerr, diagnostics, sources, false);
  if (!history) return exit_input;
  std::cout << (options.format == "json" ? json_history(*history) : printable_lines(text_history(*history, options.db)))
            << std::flush;
  return exit_ok;
}

}  // namespace

Action add_history_command(CLI::App& app) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* cmd = app.add_subcommand("history", "Every stored run's flags for a pupil, with acknowledgements");
  cmd->footer(
      "Example:\n  waymark history --db school.db --pupil P-007\n\n"
      "Each flag is marked new or continuing against the pupil's previous run with the same pack, and flags of\n"
      "that run that no longer fire are listed as resolved. Names and UPNs are never printed.\n\n"
      "Exit codes: 0 done, 2 wrong usage, 3 the database could not be read or holds no such pupil.");
  cmd->add_option("--db", options->db, "The database file")->required();
  cmd->add_option("--pupil", options->pupil, "The pupil's id")->required();
  cmd->add_option("--format", options->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  return [options, cmd]() -> int { return cmd->parsed() ? run_history(*options) : -1; };
}

}  // namespace waymark::cli
