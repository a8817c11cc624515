// `waymark serve` over HTTP(S) with cpp-httplib: the only file that sees the HTTP library. It turns
// the route table into handlers, finds the session, enforces Origin and CSRF on every POST, sets
// the security headers, logs one line per request (no pupil data), and stops gracefully on
// SIGTERM/SIGINT: the listening socket closes, requests in flight finish, then serve() returns.

#include <httplib.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>

#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>

#include "api.hpp"
#include "page_routes.hpp"
#include "site.hpp"
#include "waymark/server/serve.hpp"

namespace waymark::server {

namespace {

constexpr std::size_t largest_body = 64 * 1024;  // a note or a form: nothing bigger is accepted

// `/api/pupils/:id` -> `/api/pupils/([^/]+)` and the capture names.
std::pair<std::string, std::vector<std::string>> route_pattern(const std::string& path) {
  std::string regex;
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == ':' && i > 0 && path[i - 1] == '/') {
      std::size_t end = path.find('/', i);
      if (end == std::string::npos) end = path.size();
      names.push_back(path.substr(i + 1, end - i - 1));
      regex += "([^/]+)";
      i = end;
      continue;
    }
    if (std::string_view(".^$|()[]{}*+?\\").find(path[i]) != std::string_view::npos) regex += '\\';
    regex += path[i++];
  }
  return {regex, names};
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string utc_now_precise() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

bool same_token(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// One log line per request: time, method, route template, status, milliseconds, role. Never the
// path itself (it holds pupil ids), a query, a body, a name or a note.
class RequestLog {
public:
  explicit RequestLog(std::ostream& out) : out_(out) {}
  void line(const std::string& method, const std::string& route, int status, double ms, const char* role) {
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.1fms", ms);
    const std::string text = utc_now_precise() + " " + method + " " + route + " " + std::to_string(status) + " " +
                             duration + " " + role + "\n";
    std::lock_guard lock(mutex_);
    out_ << text << std::flush;
  }

private:
  std::ostream& out_;
  std::mutex mutex_;
};

thread_local bool request_logged = false;

class Http {
public:
  Http(httplib::Server& server, Site& site, RequestLog& log) : server_(server), site_(site), log_(log) {}

  void add(const Routes::Route& route) {
    auto [regex, names] = route_pattern(route.path);
    auto handler = [this, route, names = std::move(names)](const httplib::Request& req, httplib::Response& res) {
      handle(route, names, req, res);
    };
    if (route.method == "GET") server_.Get(regex, handler);
    else server_.Post(regex, handler);
  }

  // Everything no route matched: 404 (or 405 for methods the server never answers), logged.
  void add_fallbacks() {
    auto unmatched = [this](int status) {
      return [this, status](const httplib::Request& req, httplib::Response& res) {
        const auto start = std::chrono::steady_clock::now();
        write(res, status == 404 ? Reply::not_found() : Reply::error(status, "method not allowed"));
        finish(req.method, "(unmatched)", res.status, start, "-");
      };
    };
    server_.Get(".*", unmatched(404));
    server_.Post(".*", unmatched(404));
    server_.Put(".*", unmatched(405));
    server_.Patch(".*", unmatched(405));
    server_.Delete(".*", unmatched(405));
    server_.Options(".*", unmatched(405));
  }

  void write(httplib::Response& res, const Reply& reply) const {
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
    res.set_content(reply.body, reply.content_type == "application/json" ? "application/json; charset=utf-8"
                                                                         : reply.content_type);
  }

  void finish(const std::string& method, const std::string& route, int status,
              std::chrono::steady_clock::time_point start, const char* role) {
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    log_.line(method, route, status, ms, role);
    request_logged = true;
  }

private:
  // server.md: a POST whose Origin is another site is refused. The origin is this server's own
  // (scheme and Host) or the one --origin names (behind a reverse proxy).
  bool same_origin(const httplib::Request& req) const {
    if (req.get_header_value("Sec-Fetch-Site") == "cross-site") return false;
    if (!req.has_header("Origin")) return true;  // not a browser's cross-site request: the token still decides
    const std::string origin = req.get_header_value("Origin");
    if (!site_.options().origin.empty()) return origin == site_.options().origin;
    const std::string own = std::string(site_.tls() ? "https://" : "http://") + req.get_header_value("Host");
    return !req.get_header_value("Host").empty() && origin == own;
  }

  void handle(const Routes::Route& route, const std::vector<std::string>& names, const httplib::Request& req,
              httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    Request request;
    request.method = req.method;
    request.path = req.path;
    request.route = route.path;
    for (std::size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
      request.params[names[i]] = req.matches[i + 1].str();
    }
    for (const auto& [name, value] : req.headers) request.headers[lower(name)] = value;
    if (const std::size_t q = req.target.find('?'); q != std::string::npos) {
      httplib::Params query;
      httplib::detail::parse_query_text(req.target.substr(q + 1), query);
      request.query.insert(query.begin(), query.end());
    }
    if (req.method == "POST" &&
        req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
      httplib::Params form;
      httplib::detail::parse_query_text(req.body, form);
      request.form.insert(form.begin(), form.end());
    }
    request.body = req.body;

    std::optional<Session> session;
    Reply reply;
    try {
      dsl::Diagnostics diagnostics;
      if (route.access == Access::signed_in || route.method == "POST") {
        const std::string token = session_token(request);
        if (!token.empty()) session = site_.session_of(token, diagnostics);
      }
      if (route.access == Access::signed_in && !session) {
        reply = diagnostics.has_errors() ? Reply::error(503, "the database cannot be used just now; try again")
                                         : Reply::error(401, "sign in first (POST /login)");
      } else if (route.method == "POST" && !same_origin(req)) {
        reply = Reply::error(403, "a request from another site is refused");
      } else if (route.method == "POST" && !route.csrf_exempt &&
                 !(session && (same_token(request.header("x-csrf-token").value_or(""), session->csrf) ||
                               same_token(request.form_value("csrf").value_or(""), session->csrf)))) {
        reply = Reply::error(403, "a missing or wrong CSRF token: send the X-CSRF-Token header from GET /api/me");
      } else {
        request.session = session ? &*session : nullptr;
        reply = route.handler(request, site_);
      }
    } catch (const std::exception&) {
      // A bug: answer 500 without detail (the exception's text may quote data) and keep serving.
      reply = Reply::error(500, "internal error");
    }
    write(res, reply);
    finish(req.method, route.path, reply.status, start, session ? role_name(session->role) : "-");
  }

  httplib::Server& server_;
  Site& site_;
  RequestLog& log_;
};

void set_security_headers(httplib::Server& server, bool tls) {
  httplib::Headers headers{
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      // same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with its own
      // forms' POSTs, which same_origin() would refuse (issue 12's pages post forms).
      {"Referrer-Policy", "same-origin"},
      {"Cache-Control", "no-store"},  // pupil data never sits in a shared or browser cache
      {"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"},
  };
  if (tls) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  server.set_default_headers(headers);
}

bool parse_listen(const ServeOptions& options, dsl::Diagnostics& diagnostics) {
  if (options.port < 0 || options.port > 65535) {
    diagnostics.error({}, "usage", "--listen needs HOST:PORT with a port from 0 to 65535");
    return false;
  }
  if (options.cert.empty() != options.key.empty()) {
    diagnostics.error({}, "usage", "--cert and --key go together: give both PEM files, or neither");
    return false;
  }
  return true;
}

}  // namespace

bool serve(const ServeOptions& options, std::ostream& out, std::ostream& log, dsl::Diagnostics& diagnostics) {
  if (!parse_listen(options, diagnostics)) return false;
  const bool tls = !options.cert.empty();
  std::unique_ptr<httplib::Server> server;
  if (tls) {
    auto ssl = std::make_unique<httplib::SSLServer>(options.cert.c_str(), options.key.c_str());
    if (!ssl->is_valid()) {
      diagnostics.error({}, "tls", "cannot use the certificate '" + options.cert + "' and key '" + options.key +
                                       "': check that both are readable PEM files that belong together");
      return false;
    }
    server = std::move(ssl);
  } else {
    server = std::make_unique<httplib::Server>();
  }

  // Check the database before listening: a wrong path is a diagnostic, not a server of 503s.
  {
    store::OpenOptions open;
    open.mode = store::OpenMode::write;
    if (!store::Store::open(options.db, open, diagnostics)) return false;
  }

  // Signals are taken by one thread with sigwait, so no handler runs inside the HTTP library.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Site site(options, tls);
  {
    // The roster of the current run is read before listening, so the first list does not wait for it.
    dsl::Diagnostics ignored;
    site.roster(ignored);
  }
  RequestLog request_log(log);
  Http http(*server, site, request_log);
  Routes routes;
  add_session_routes(routes);
  add_api_routes(routes);
  add_page_routes(routes, options.pages);
  for (const Routes::Route& r : routes.all()) http.add(r);
  // Page assets (CSS, scripts, images: never pupil data) from --assets, else the source tree's server/assets.
  const std::string assets = options.assets.empty() ? std::string(WAYMARK_ASSETS_DIR) : options.assets;
  if (std::filesystem::is_directory(assets)) {
    server->set_mount_point("/assets", assets);
    // GOV.UK Frontend's files as npm installs them (scripts/setup), under the same /assets/.
    const std::string govuk = assets + "/node_modules/govuk-frontend/dist/govuk";
    if (std::filesystem::is_directory(govuk)) server->set_mount_point("/assets", govuk);
  }
  http.add_fallbacks();

  const int threads = std::max(2, options.threads);
  server->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server->set_keep_alive_max_count(1000);
  server->set_keep_alive_timeout(5);
  server->set_read_timeout(10);
  server->set_write_timeout(10);
  server->set_payload_max_length(largest_body);
  server->set_tcp_nodelay(true);
  set_security_headers(*server, tls);
  server->set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    // Errors the library answers itself (a malformed request, a body too large): JSON, no detail.
    // The library calls this for every status >= 400, so a handler's own answer is left alone.
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(Reply::error(res.status, res.status == 413 ? "the request body is too large" : "bad request").body,
                    "application/json; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  }));
  server->set_logger([&request_log](const httplib::Request& req, const httplib::Response& res) {
    // Answers no route gave: page assets, and requests the library refused (malformed, too large).
    if (!request_logged) {
      request_log.line(req.method.empty() ? "-" : req.method, res.status < 400 ? "/assets/*" : "(rejected)", res.status,
                       0.0, "-");
    }
    request_logged = false;
  });

  int port = options.port;
  if (port == 0) {
    port = server->bind_to_any_port(options.host);
  } else if (!server->bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    diagnostics.error({}, "cannot-listen", "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                                               ": the address is in use or not this machine's");
    return false;
  }
  const std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  out << "waymark serve: listening on " << (tls ? "https://" : "http://") << host << ":" << port << "/" << std::endl;

  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server->stop();
  });
  server->listen_after_bind();  // returns after stop(), once the requests in flight have finished
  // Wake the stopper if listening ended on its own.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  site.stop_jobs();
  out << "waymark serve: stopped" << std::endl;
  return true;
}

}  // namespace waymark::server
