// `POST /login` and `POST /logout` (server.md): a wrong name and a wrong password answer the same
// 401; a name with repeated failures waits before it may try again (429 with Retry-After), whether
// or not such a user exists.

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "waymark/server/pages.hpp"

namespace waymark::server {

namespace {

constexpr std::size_t longest_field = 1024;

std::string cookie_token(const Request& request) {
  const std::string cookies = request.header("cookie").value_or("");
  const std::string name = "waymark_session=";
  std::size_t at = 0;
  while (at < cookies.size()) {
    while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
    std::size_t end = cookies.find(';', at);
    if (end == std::string::npos) end = cookies.size();
    if (cookies.compare(at, name.size(), name) == 0) return cookies.substr(at + name.size(), end - at - name.size());
    at = end;
  }
  return "";
}

// A browser's form (it asks for HTML) gets pages and redirects; a program gets JSON (server.md).
bool wants_html(const Request& request) {
  return request.header("accept").value_or("").find("text/html") != std::string::npos;
}

Reply login_page_reply(int status, const std::string& error, const std::string& name) {
  Reply r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = pages::login_page(error, name);
  return r;
}

Reply login(const Request& request, Site& site) {
  const auto name = request.form_value("name");
  const auto password = request.form_value("password");
  if (!name || !password || name->size() > longest_field || password->size() > longest_field) {
    return Reply::error(400, "send the form fields name and password");
  }
  dsl::Diagnostics diagnostics;
  const Site::SignIn signed_in = site.sign_in(*name, *password, diagnostics);
  if (signed_in.retry_after > 0) {
    Reply r = wants_html(request) ? login_page_reply(429, "Too many failed sign-ins for this name: wait " +
                                                               std::to_string(signed_in.retry_after) + " seconds and try again", *name)
                                  : Reply::error(429, "too many failed sign-ins for this name: wait and try again");
    r.headers.emplace_back("Retry-After", std::to_string(signed_in.retry_after));
    return r;
  }
  if (!signed_in.token) {
    if (diagnostics.has_errors()) return Reply::error(503, "the database cannot be used just now; try again");
    if (wants_html(request)) return login_page_reply(401, "Wrong name or password", *name);
    return Reply::error(401, "wrong name or password");
  }
  Reply r;
  r.status = 303;
  r.content_type = "text/plain";
  r.headers.emplace_back("Location", "/");
  r.headers.emplace_back("Set-Cookie", site.session_cookie(*signed_in.token));
  return r;
}

Reply logout(const Request& request, Site& site) {
  dsl::Diagnostics diagnostics;
  site.sign_out(cookie_token(request), diagnostics);
  Reply r = Reply::json(200, nlohmann::json{{"signed_out", true}}.dump());
  if (wants_html(request)) {
    r.status = 303;
    r.content_type = "text/plain";
    r.body.clear();
    r.headers.emplace_back("Location", "/login");
  }
  r.headers.emplace_back("Set-Cookie", site.cleared_cookie());
  return r;
}

}  // namespace

std::string session_token(const Request& request) { return cookie_token(request); }

void add_session_routes(Routes& routes) {
  routes.post("/login", Access::anyone, login, true);
  routes.post("/logout", Access::signed_in, logout);
}

}  // namespace waymark::server
