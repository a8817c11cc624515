// The pages' routes (issue 12): each gathers its view data from the store, scoped by Site::authorise
// exactly as the JSON API is (out of scope answers 404 as if it did not exist), and renders it with
// server/pages. Forms post and redirect (303), so everything works without JavaScript.

#include "page_routes.hpp"

#include <map>
#include <mutex>

#include "api.hpp"
#include "waymark/server/pack_context.hpp"
#include "waymark/server/pages.hpp"

namespace waymark::server {

namespace {

constexpr std::size_t longest_note = 4000;

pages::Viewer viewer_of(const Session& s, bool redact) {
  return {s.user.name, role_name(s.role), s.user.schools, s.csrf, redact};
}

Reply html(int status, std::string body) {
  Reply r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;  // the server's default headers keep pupil data out of caches (Cache-Control: no-store)
}

Reply redirect(const std::string& to) {
  Reply r;
  r.status = 303;
  r.content_type = "text/plain";
  r.headers.emplace_back("Location", to);
  return r;
}

Reply page(const Session& s, const Site& site, pages::Page p, int status = 200) {
  return html(status, pages::layout(viewer_of(s, site.options().redact), p));
}

Reply not_found_page(const Session& s, const Site& site) {
  return html(404, pages::message_page(viewer_of(s, site.options().redact), "Page not found",
                                       "There is no such page, or it is not one you may see."));
}

Reply unavailable(const Session& s, const Site& site) {
  return html(503, pages::message_page(viewer_of(s, site.options().redact), "Sorry, there is a problem",
                                       "The database cannot be read just now. Try again in a few minutes."));
}

// The current run's results with the case records it evaluated and each pupil's facets, built once
// per run and shared by every list and count (the lists are read far more often than runs happen).
struct RunView {
  std::int64_t run = 0;
  store::StoredRun stored;
  engine::Caseload caseload;  // as the run saw it (names, records, attendance)
  std::vector<pages::CaseloadEntry> entries;  // aligned with stored.result.pupils
  std::map<std::string, std::string> schools;
};

std::mutex run_view_mutex;
std::shared_ptr<const RunView> run_view_cache;

std::shared_ptr<const RunView> current_run_view(Site& site, const pages::PackContext& pack, dsl::Diagnostics& diagnostics) {
  const auto index = site.roster(diagnostics);
  if (!index || index->run == 0) return nullptr;
  std::lock_guard lock(run_view_mutex);
  if (run_view_cache && run_view_cache->run == index->run) return run_view_cache;
  store::Store* db = site.store(diagnostics);
  if (db == nullptr) return nullptr;
  auto stored = db->load_run(index->run, diagnostics);
  auto inputs = stored ? db->load_run_inputs(index->run, pack.vocabulary, diagnostics) : std::nullopt;
  if (!stored || !inputs) return nullptr;
  auto view = std::make_shared<RunView>();
  view->run = index->run;
  view->stored = std::move(*stored);
  view->caseload = std::move(inputs->caseload);
  for (const store::RosterPupil& p : index->pupils) view->schools[p.id] = p.school;
  for (const engine::PupilResult& p : view->stored.result.pupils) {
    pages::CaseloadEntry e;
    e.result = &p;
    e.school = view->schools[p.id];
    if (const engine::Pupil* pupil = view->caseload.find(p.id)) {
      if (pupil->name && !site.options().redact) e.name = *pupil->name;
      e.facets = pages::pupil_facets(*pupil, pack.vocabulary, view->stored.run.as_of);
    }
    view->entries.push_back(std::move(e));
  }
  run_view_cache = view;
  return view;
}

// The entries a user may see: a SENCO's schools only (server.md, Roles).
std::vector<pages::CaseloadEntry> in_scope(const Session& s, const RunView& view) {
  std::vector<pages::CaseloadEntry> out;
  for (const pages::CaseloadEntry& e : view.entries) {
    if (Site::authorise(s, Action::see_pupil, &e.school) == Decision::allow) out.push_back(e);
  }
  return out;
}

// Every page needs a session: without one, the sign-in page (not a JSON 401).
Handler signed_in_page(std::function<Reply(const Request&, const Session&, Site&)> body) {
  return [body](const Request& request, Site& site) -> Reply {
    if (request.session != nullptr) return body(request, *request.session, site);
    dsl::Diagnostics diagnostics;
    const std::string token = session_token(request);
    const auto session = token.empty() ? std::nullopt : site.session_of(token, diagnostics);
    if (!session) return redirect("/login");
    return body(request, *session, site);
  };
}

Reply list_page(const Request& request, const Session& s, Site& site, const pages::PackContext& pack) {
  dsl::Diagnostics diagnostics;
  const auto view = current_run_view(site, pack, diagnostics);
  if (!view) {
    if (diagnostics.has_errors()) return unavailable(s, site);
    return html(200, pages::message_page(viewer_of(s, site.options().redact), "No results yet",
                                         "No run of the pack has been stored yet. An LA officer starts one from the Runs page."));
  }
  const std::vector<pages::CaseloadEntry> entries = in_scope(s, *view);
  return page(s, site, pages::caseload_page(viewer_of(s, site.options().redact), view->stored.run, entries,
                                            pages::caseload_filter(request.query), pack.vocabulary));
}

Reply home(const Request& request, const Session& s, Site& site, const pages::PackContext& pack) {
  if (s.role == Role::senco) return list_page(request, s, site, pack);
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  const auto runs = db ? db->runs(diagnostics) : std::nullopt;
  if (!runs) return unavailable(s, site);
  if (s.role == Role::auditor) return page(s, site, pages::runs_page(viewer_of(s, site.options().redact), *runs, dsl::Date(), {}));
  const auto view = current_run_view(site, pack, diagnostics);
  if (!view) {
    return page(s, site, pages::runs_page(viewer_of(s, site.options().redact), *runs, runs->empty() ? dsl::Date() : runs->front().as_of, {}));
  }
  return page(s, site, pages::cohort_page(viewer_of(s, site.options().redact), view->stored.run,
                                          pages::cohort_summary(view->entries), *runs));
}

Reply pupil(const Request& request, const Session& s, Site& site, const pages::PackContext& pack) {
  const std::string id = request.params.at("id");
  dsl::Diagnostics diagnostics;
  const auto school = site.school_of(id, diagnostics);
  if (!school || Site::authorise(s, Action::see_pupil, &*school) != Decision::allow) return not_found_page(s, site);
  const auto view = current_run_view(site, pack, diagnostics);
  store::Store* db = site.store(diagnostics);
  if (!view || db == nullptr) return not_found_page(s, site);
  const auto result = db->pupil_result(view->run, id, diagnostics);
  if (!result) return diagnostics.has_errors() ? unavailable(s, site) : not_found_page(s, site);
  const auto history = db->history(id, diagnostics);
  pages::PupilView v;
  v.result = &result->result;
  v.school = result->school;
  v.flag_ids = result->flag_ids;
  v.acknowledgements = result->acknowledgements;
  v.pupil = view->caseload.find(id);
  if (v.pupil != nullptr && v.pupil->name && !site.options().redact) v.name = *v.pupil->name;
  v.calendar = &pack.calendar;
  v.vocabulary = &pack.vocabulary;
  v.history = history ? &*history : nullptr;
  v.run = view->stored.run;
  v.can_acknowledge = Site::authorise(s, Action::acknowledge, &result->school) == Decision::allow;
  if (site.options().redact) {
    for (auto& acks : v.acknowledgements) {
      for (store::Acknowledgement& a : acks) a.note = "[redacted]";
    }
  }
  pages::Page p = pages::pupil_page(viewer_of(s, site.options().redact), v);
  if (request.query_value("acknowledged")) p.notice = "Acknowledgement recorded";
  return page(s, site, std::move(p));
}

Reply acknowledge(const Request& request, const Session& s, Site& site) {
  const auto flag = whole_number(request.params.at("id"));
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  const auto stored = flag && db ? db->load_flag(*flag, diagnostics) : std::nullopt;
  if (!stored) return not_found_page(s, site);
  const auto school = site.school_of(stored->pupil, diagnostics);
  if (!school) return not_found_page(s, site);
  const Decision d = Site::authorise(s, Action::acknowledge, &*school);
  if (d == Decision::not_found) return not_found_page(s, site);
  if (d == Decision::forbidden) {
    return html(403, pages::message_page(viewer_of(s, site.options().redact), "You cannot do this",
                                         "Only the pupil's SENCO acknowledges a flag."));
  }
  std::string note = request.form_value("note").value_or("");
  const bool blank = note.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank || note.size() > longest_note) {
    return html(400, pages::message_page(viewer_of(s, site.options().redact), "Write what was done",
                                         blank ? "An acknowledgement needs a note of what was done about the flag. Go back and write one."
                                               : "The note is too long: keep it under 4,000 characters."));
  }
  if (!db->acknowledge(*flag, s.user.name, note, diagnostics)) return unavailable(s, site);
  return redirect("/pupils/" + stored->pupil + "?acknowledged=" + std::to_string(*flag) + "#flag-" + std::to_string(*flag));
}

Reply flag_trace(const Request& request, const Session& s, Site& site, const pages::PackContext& pack) {
  const auto flag = whole_number(request.params.at("id"));
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  const auto stored = flag && db ? db->load_flag(*flag, diagnostics) : std::nullopt;
  if (!stored) return not_found_page(s, site);
  const auto school = site.school_of(stored->pupil, diagnostics);
  if (!school || Site::authorise(s, Action::see_pupil, &*school) != Decision::allow) return not_found_page(s, site);
  auto acks = db->acknowledgements(*flag, diagnostics).value_or(std::vector<store::Acknowledgement>{});
  if (site.options().redact) {
    for (store::Acknowledgement& a : acks) a.note = "[redacted]";
  }
  return page(s, site, pages::flag_page(viewer_of(s, site.options().redact), *stored, acks, pack.rule_source(stored->flag.rule)));
}

Reply impact(const Request& request, const Session& s, Site& site, const pages::PackContext& pack) {
  if (s.role != Role::la_officer) return not_found_page(s, site);
  pages::ImpactRequest ask;
  std::vector<std::string> problems;
  std::optional<pages::ImpactPreview> preview;
  if (request.method == "POST") {
    ask.parameter = request.form_value("parameter").value_or("");
    ask.value = request.form_value("value").value_or("");
    if (ask.value.find_first_not_of(' ') == std::string::npos) problems.push_back("Enter the new value of the parameter");
    dsl::Diagnostics diagnostics;
    const auto view = problems.empty() ? current_run_view(site, pack, diagnostics) : nullptr;
    if (problems.empty() && !view) problems.push_back("There is no stored run to compare with yet: start a run first");
    if (problems.empty()) {
      // Both sides are evaluated now over the run's inputs, so that only the parameter differs.
      const auto before = pack.evaluate(view->caseload, view->stored.run.as_of, nullptr, problems);
      const auto after = before ? pack.evaluate(view->caseload, view->stored.run.as_of, &ask, problems) : std::nullopt;
      if (before && after) preview = pages::impact_preview(ask, *before, *after, view->schools);
    }
  } else if (!pack.catalogue.parameters.empty()) {
    ask.parameter = pack.catalogue.parameters.front().name;
  }
  return page(s, site, pages::impact_page(viewer_of(s, site.options().redact), pack.catalogue, ask, preview, problems),
              problems.empty() ? 200 : 400);
}

Reply runs(const Request& request, const Session& s, Site& site) {
  dsl::Diagnostics diagnostics;
  std::vector<std::string> problems;
  if (request.method == "POST") {
    if (Site::authorise(s, Action::start_run, nullptr) != Decision::allow) return not_found_page(s, site);
    const std::string as_of = request.form_value("as_of").value_or("");
    if (!dsl::Date::parse_iso(as_of)) {
      problems.push_back("Enter the date as YYYY-MM-DD, for example 2025-11-17");
    } else if (const auto job = site.start_job(as_of, s.role)) {
      return redirect("/runs?started=" + std::to_string(*job));
    } else {
      problems.push_back("A run is already in progress: wait for it to finish, then refresh this page");
    }
  }
  store::Store* db = site.store(diagnostics);
  const auto all = db ? db->runs(diagnostics) : std::nullopt;
  if (!all) return unavailable(s, site);
  pages::Page p = pages::runs_page(viewer_of(s, site.options().redact), *all, all->empty() ? dsl::Date() : all->front().as_of, problems);
  if (request.query_value("started")) p.notice = "The run has started; it appears here when it finishes";
  return page(s, site, std::move(p), problems.empty() ? 200 : 400);
}

Reply audit(const Request&, const Session& s, Site& site) {
  if (Site::authorise(s, Action::see_audit) != Decision::allow) return not_found_page(s, site);
  dsl::Diagnostics diagnostics;
  store::Store* db = site.store(diagnostics);
  if (db == nullptr) return unavailable(s, site);
  std::optional<store::AuditReport> report;
  {
    std::lock_guard lock(site.audit_mutex());
    report = db->verify(diagnostics);
  }
  if (!report) return unavailable(s, site);
  std::vector<pages::AcknowledgementEntry> log;
  if (const auto entries = db->acknowledgement_log(diagnostics)) {
    for (const store::LoggedAcknowledgement& e : *entries) {
      log.push_back({e.acknowledgement, e.pupil, e.rule, e.title, e.run});
      if (site.options().redact) log.back().acknowledgement.note = "[redacted]";
    }
  }
  return page(s, site, pages::audit_page(viewer_of(s, site.options().redact), *report, log));
}

}  // namespace

void add_page_routes(Routes& routes, std::shared_ptr<const pages::PackContext> pack) {
  if (!pack) return;  // without the served pack (tests of the API alone) there are no pages
  routes.get("/login", Access::anyone, [](const Request& request, Site& site) -> Reply {
    dsl::Diagnostics diagnostics;
    const std::string token = session_token(request);
    if (!token.empty() && site.session_of(token, diagnostics)) return redirect("/");
    return html(200, pages::login_page("", ""));
  });
  routes.get("/", Access::anyone, signed_in_page([pack](const Request& r, const Session& s, Site& site) {
               return home(r, s, site, *pack);
             }));
  routes.get("/pupils", Access::anyone, signed_in_page([pack](const Request& r, const Session& s, Site& site) {
               return list_page(r, s, site, *pack);
             }));
  routes.get("/pupils/:id", Access::anyone, signed_in_page([pack](const Request& r, const Session& s, Site& site) {
               return pupil(r, s, site, *pack);
             }));
  routes.get("/flags/:id", Access::anyone, signed_in_page([pack](const Request& r, const Session& s, Site& site) {
               return flag_trace(r, s, site, *pack);
             }));
  routes.post("/flags/:id/ack", Access::signed_in, [](const Request& r, Site& site) { return acknowledge(r, *r.session, site); });
  routes.get("/packs", Access::anyone, signed_in_page([pack](const Request&, const Session& s, Site& site) {
               if (s.role == Role::senco) return not_found_page(s, site);
               return page(s, site, pages::packs_page(viewer_of(s, site.options().redact), pack->catalogue));
             }));
  routes.get("/impact", Access::anyone, signed_in_page([pack](const Request& r, const Session& s, Site& site) {
               return impact(r, s, site, *pack);
             }));
  routes.post("/impact", Access::signed_in, [pack](const Request& r, Site& site) { return impact(r, *r.session, site, *pack); });
  routes.get("/runs", Access::anyone, signed_in_page([](const Request& r, const Session& s, Site& site) { return runs(r, s, site); }));
  routes.post("/runs", Access::signed_in, [](const Request& r, Site& site) { return runs(r, *r.session, site); });
  routes.get("/audit", Access::anyone, signed_in_page([](const Request& r, const Session& s, Site& site) { return audit(r, s, site); }));
}

}  // namespace waymark::server
