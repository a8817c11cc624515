// The JSON API of server.md, answered from the stored runs. Every handler asks Site::authorise
// before it answers, with the school of the pupil concerned; out of scope answers 404.

#include "api.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "waymark/engine/result_json.hpp"

namespace waymark::server {

using nlohmann::ordered_json;

namespace {

constexpr std::size_t default_page = 1000;
constexpr std::size_t largest_page = 5000;
constexpr std::size_t longest_note = 4000;

std::string dump(const ordered_json& j) { return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

Reply store_failure() { return Reply::error(503, "the database cannot be read just now; try again"); }

Reply decided(Decision d) {
  return d == Decision::forbidden ? Reply::error(403, "your role may not do this") : Reply::not_found();
}

ordered_json pack_json(const engine::PackIdentity& pack) {
  return {{"name", pack.name}, {"version", pack.version}, {"digest", pack.digest}};
}

ordered_json run_json(const store::RunRecord& r) {
  ordered_json j;
  j["id"] = r.id;
  j["as_of"] = r.as_of.iso();
  j["pack"] = pack_json(r.pack);
  j["started"] = r.started;
  j["finished"] = r.finished;
  // The selection names pupils of every school: say only whether the run covered the whole caseload.
  j["whole_caseload"] = !r.selection.has_value();
  j["pupils"] = r.pupils;
  j["flags"] = r.flags;
  j["due"] = r.due;
  return j;
}

ordered_json acks_json(const std::vector<store::Acknowledgement>& acks, bool redact) {
  ordered_json out = ordered_json::array();
  for (const store::Acknowledgement& a : acks) {
    // A note is free text a SENCO wrote about a child: under --redact it is not served.
    out.push_back({{"id", a.id}, {"by", a.by}, {"note", redact ? "[redacted]" : a.note}, {"at", a.at}});
  }
  return out;
}

// A pupil of a list, appended to `out` as dump() writes the object {id, school, current_tier,
// suggested_tier, flags {low, medium, high, urgent}, due}, without building it: a school's page is a
// thousand pupils, and their objects were most of the server's work (docs/performance.md).
void append_roster_pupil(std::string& out, const store::RosterPupil& p) {
  const auto number = [&out](std::int64_t n) { out += std::to_string(n); };
  const auto tier = [&](std::optional<std::int64_t> t) {
    if (t) {
      number(*t);
    } else {
      out += "null";
    }
  };
  out += R"({"id":)";
  out += dump(ordered_json(p.id));  // the texts escaped as every other answer's
  out += R"(,"school":)";
  out += dump(ordered_json(p.school));
  out += R"(,"current_tier":)";
  tier(p.current_tier == 0 ? std::nullopt : std::optional<std::int64_t>(p.current_tier));
  out += R"(,"suggested_tier":)";
  tier(p.suggested_tier);
  out += R"(,"flags":{"low":)";
  number(p.flags[0]);
  out += R"(,"medium":)";
  number(p.flags[1]);
  out += R"(,"high":)";
  number(p.flags[2]);
  out += R"(,"urgent":)";
  number(p.flags[3]);
  out += R"(},"due":)";
  number(p.due);
  out += '}';
}

Reply me(const Request& request, Site&) {
  const Session& s = *request.session;
  ordered_json j;
  j["name"] = s.user.name;
  j["role"] = role_name(s.role);
  j["schools"] = s.user.schools;
  j["csrf"] = s.csrf;
  return Reply::json(200, dump(j));
}

Reply list_runs(const Request& request, Site& site) {
  const Decision d = Site::authorise(*request.session, Action::see_runs);
  if (d != Decision::allow) return decided(d);
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  const auto runs = db ? db->runs(diagnostics) : std::nullopt;
  if (!runs) return store_failure();
  ordered_json out = ordered_json::array();
  for (const store::RunRecord& r : *runs) out.push_back(run_json(r));
  return Reply::json(200, dump(out));
}

Reply list_pupils(const Request& request, Site& site) {
  const Session& session = *request.session;
  const auto school = request.query_value("school");
  const auto offset_text = request.query_value("offset");
  const auto limit_text = request.query_value("limit");
  const auto offset = offset_text ? whole_number(*offset_text) : std::optional<std::int64_t>(0);
  const auto limit = limit_text ? whole_number(*limit_text) : std::optional<std::int64_t>(default_page);
  if (!offset || !limit || *limit == 0 || static_cast<std::size_t>(*limit) > largest_page) {
    return Reply::error(400, "offset and limit are whole numbers; limit is 1 to " + std::to_string(largest_page));
  }
  if (school) {
    const Decision d = Site::authorise(session, Action::see_school, &*school);
    if (d != Decision::allow) return decided(d);
  }
  dsl::Diagnostics diagnostics;
  const auto index = site.roster(diagnostics);
  if (!index) return store_failure();
  // The positions in scope, in id order: one school, a SENCO's schools, or everyone.
  std::vector<std::uint32_t> chosen;
  auto add_school = [&](const std::string& name) {
    if (const auto at = index->by_school.find(name); at != index->by_school.end()) {
      chosen.insert(chosen.end(), at->second.begin(), at->second.end());
    }
  };
  bool everyone = false;
  if (school) {
    add_school(*school);
  } else if (session.role == Role::senco) {
    for (const std::string& s : session.user.schools) add_school(s);
    std::sort(chosen.begin(), chosen.end());
  } else {
    everyone = true;
  }
  const std::size_t total = everyone ? index->pupils.size() : chosen.size();
  const std::size_t first = std::min(total, static_cast<std::size_t>(*offset));
  const std::size_t last = std::min(total, first + static_cast<std::size_t>(*limit));
  ordered_json j;
  j["run"] = index->header ? run_json(*index->header) : ordered_json(nullptr);
  j["school"] = school ? ordered_json(*school) : ordered_json(nullptr);
  j["total"] = total;
  j["offset"] = first;
  // {run, school, total, offset, pupils}: the object without its closing brace, then the pupils.
  std::string body = dump(j);
  body.pop_back();
  body += R"(,"pupils":[)";
  bool any = false;
  for (std::size_t i = first; i < last; ++i) {
    const store::RosterPupil& p = index->pupils[everyone ? i : chosen[i]];
    // Belt and braces: every pupil answered passes the one decision.
    if (Site::authorise(session, Action::see_pupil, &p.school) != Decision::allow) continue;
    if (any) body += ',';
    any = true;
    append_roster_pupil(body, p);
  }
  body += "]}";
  return Reply::json(200, std::move(body));
}

Reply show_pupil(const Request& request, Site& site) {
  const std::string& id = request.params.at("id");
  dsl::Diagnostics diagnostics;
  const auto index = site.roster(diagnostics);
  if (!index) return store_failure();
  const auto at = index->by_id.find(id);
  if (at == index->by_id.end()) return Reply::not_found();
  const std::string& school = index->pupils[at->second].school;
  const Decision d = Site::authorise(*request.session, Action::see_pupil, &school);
  if (d != Decision::allow) return decided(d);
  store::Store* db = site.store(diagnostics);
  const auto stored = db ? db->pupil_result(index->run, id, diagnostics) : std::nullopt;
  if (!stored) return diagnostics.has_errors() ? store_failure() : Reply::not_found();
  ordered_json j = engine::pupil_json(stored->result, false);
  ordered_json& flags = j["flags"];
  for (std::size_t i = 0; i < flags.size(); ++i) {
    flags[i]["number"] = stored->flag_ids[i];
    flags[i]["acknowledgements"] = acks_json(stored->acknowledgements[i], site.options().redact);
  }
  j["school"] = stored->school;
  j["run"] = index->header ? run_json(*index->header) : ordered_json(nullptr);
  return Reply::json(200, dump(j));
}

// The flag and the school of its pupil, when the user may see it; otherwise the reply to give.
struct FlagInScope {
  std::optional<store::StoredFlag> flag;
  std::optional<Reply> refusal;
};

FlagInScope flag_in_scope(const Request& request, Site& site, Action action) {
  FlagInScope out;
  const auto number = whole_number(request.params.at("number"));
  if (!number) {
    out.refusal = Reply::not_found();
    return out;
  }
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  if (db == nullptr) {
    out.refusal = store_failure();
    return out;
  }
  auto flag = db->load_flag(*number, diagnostics);
  if (!flag) {
    bool unknown = false;
    for (const dsl::Diagnostic& d : diagnostics.all()) unknown = unknown || d.code == "unknown-flag";
    out.refusal = unknown ? Reply::not_found() : store_failure();
    return out;
  }
  const auto school = site.school_of(flag->pupil, diagnostics);
  if (!school) {
    out.refusal = Reply::not_found();
    return out;
  }
  const Decision d = Site::authorise(*request.session, action, &*school);
  if (d != Decision::allow) {
    out.refusal = decided(d);
    return out;
  }
  out.flag = std::move(flag);
  return out;
}

Reply show_flag(const Request& request, Site& site) {
  auto found = flag_in_scope(request, site, Action::see_pupil);
  if (found.refusal) return *found.refusal;
  const store::StoredFlag& f = *found.flag;
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  const auto acks = db ? db->acknowledgements(f.id, diagnostics) : std::nullopt;
  if (!acks) return store_failure();
  ordered_json j;
  j["number"] = f.id;
  j["pupil"] = f.pupil;
  j["run"] = run_json(f.run);
  ordered_json flag = engine::flag_json(f.flag, true);
  for (auto it = flag.begin(); it != flag.end(); ++it) j[it.key()] = it.value();
  j["acknowledgements"] = acks_json(*acks, site.options().redact);
  return Reply::json(200, dump(j));
}

Reply acknowledge(const Request& request, Site& site) {
  auto found = flag_in_scope(request, site, Action::acknowledge);
  if (found.refusal) return *found.refusal;
  std::optional<std::string> note;
  if (request.header("content-type").value_or("").rfind("application/x-www-form-urlencoded", 0) == 0) {
    note = request.form_value("note");
  } else {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_discarded() && body.is_object() && body.contains("note") && body["note"].is_string()) {
      note = body["note"].get<std::string>();
    }
  }
  if (!note || note->find_first_not_of(" \t\r\n") == std::string::npos) {
    return Reply::error(400, "send {\"note\": \"what was done about the flag\"}");
  }
  if (note->size() > longest_note) {
    return Reply::error(400, "the note is longer than " + std::to_string(longest_note) + " bytes");
  }
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  // The same store call as `waymark ack`, so the acknowledgement joins the audit chain the same way.
  const auto ack = db ? db->acknowledge(found.flag->id, request.session->user.name, *note, diagnostics) : std::nullopt;
  if (!ack) return store_failure();
  ordered_json j;
  j["id"] = ack->id;
  j["flag"] = ack->flag;
  j["by"] = ack->by;
  j["note"] = site.options().redact ? "[redacted]" : ack->note;
  j["at"] = ack->at;
  return Reply::json(201, dump(j));
}

Reply audit(const Request& request, Site& site) {
  const Decision d = Site::authorise(*request.session, Action::see_audit);
  if (d != Decision::allow) return decided(d);
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  if (db == nullptr) return store_failure();
  std::lock_guard lock(site.audit_mutex());  // it reads every row: one at a time
  const auto report = db->verify(diagnostics);
  if (!report) return store_failure();
  ordered_json j;
  j["intact"] = report->intact();
  j["head"] = report->head_hash;
  j["entries"] = report->entries;
  return Reply::json(200, dump(j));
}

ordered_json job_json(const RunJob& job) {
  ordered_json j;
  j["id"] = job.id;
  j["as_of"] = job.as_of;
  j["state"] = job.state;
  j["done"] = job.done;
  j["total"] = job.total;
  j["run"] = job.run == 0 ? ordered_json(nullptr) : ordered_json(job.run);
  j["error"] = job.error.empty() ? ordered_json(nullptr) : ordered_json(job.error);
  return j;
}

Reply start_run(const Request& request, Site& site) {
  const Decision d = Site::authorise(*request.session, Action::start_run);
  if (d != Decision::allow) return decided(d);
  const auto body = nlohmann::json::parse(request.body, nullptr, false);
  std::optional<dsl::Date> as_of;
  if (!body.is_discarded() && body.is_object() && body.contains("as_of") && body["as_of"].is_string()) {
    as_of = dsl::Date::parse_iso(body["as_of"].get<std::string>());
  }
  if (!as_of) return Reply::error(400, "send {\"as_of\": \"YYYY-MM-DD\"}");
  if (!site.options().run_pack) return Reply::error(503, "this server cannot run the pack");
  const auto id = site.start_job(as_of->iso(), request.session->role);
  if (!id) return Reply::error(409, "a run is already in progress: see GET /api/runs/jobs");
  ordered_json j;
  j["job"] = *id;
  j["status"] = "/api/runs/jobs/" + std::to_string(*id);
  Reply r = Reply::json(202, dump(j));
  r.headers.emplace_back("Location", "/api/runs/jobs/" + std::to_string(*id));
  return r;
}

Reply show_job(const Request& request, Site& site) {
  const Decision d = Site::authorise(*request.session, Action::start_run);
  if (d != Decision::allow) return Reply::not_found();
  const auto id = whole_number(request.params.at("id"));
  const auto job = id ? site.job(*id) : std::nullopt;
  if (!job) return Reply::not_found();
  return Reply::json(200, dump(job_json(*job)));
}

Reply list_jobs(const Request& request, Site& site) {
  const Decision d = Site::authorise(*request.session, Action::start_run);
  if (d != Decision::allow) return Reply::not_found();
  ordered_json out = ordered_json::array();
  for (const RunJob& job : site.jobs()) out.push_back(job_json(job));
  return Reply::json(200, dump(out));
}

}  // namespace

void add_api_routes(Routes& routes) {
  routes.get("/healthz", Access::anyone, [](const Request&, Site&) {
    Reply r;
    r.content_type = "text/plain";
    r.body = "ok";
    return r;
  });
  routes.get("/api/me", Access::signed_in, me);
  routes.get("/api/runs", Access::signed_in, list_runs);
  routes.post("/api/runs", Access::signed_in, start_run);
  routes.get("/api/runs/jobs", Access::signed_in, list_jobs);
  routes.get("/api/runs/jobs/:id", Access::signed_in, show_job);
  routes.get("/api/pupils", Access::signed_in, list_pupils);
  routes.get("/api/pupils/:id", Access::signed_in, show_pupil);
  routes.get("/api/flags/:number", Access::signed_in, show_flag);
  routes.post("/api/flags/:number/ack", Access::signed_in, acknowledge);
  routes.get("/api/audit", Access::signed_in, audit);
}

}  // namespace waymark::server
