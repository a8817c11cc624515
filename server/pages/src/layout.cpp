// The GOV.UK page template (layout), the sign-in and message pages, and the markup helpers.

#include <cctype>
#include <cstdio>
#include <vector>
#include <sstream>

#include "markup.hpp"
#include "waymark/server/pages.hpp"

namespace waymark::server::pages {

std::string url_encode(const std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += c;
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", u);
      out += buffer;
    }
  }
  return out;
}

std::string severity_tag(const dsl::SeverityLevel level) {
  // GOV.UK tag colours, each with its word: urgent and high red, medium orange, low grey.
  const char* colour = "govuk-tag--grey";
  switch (level) {
    case dsl::SeverityLevel::urgent: colour = "govuk-tag--red wm-tag--urgent"; break;
    case dsl::SeverityLevel::high: colour = "govuk-tag--red"; break;
    case dsl::SeverityLevel::medium: colour = "govuk-tag--orange"; break;
    case dsl::SeverityLevel::low: colour = "govuk-tag--grey"; break;
  }
  return std::string("<strong class=\"govuk-tag ") + colour + "\">" + engine::severity_name(level) + "</strong>";
}

std::string csrf_field(const std::string& token) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape_html(token) + "\">";
}

std::string count_of(const std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string timestamp_words(const std::string& utc) {
  if (utc.size() < 16 || utc[10] != 'T') return utc;
  const std::optional<dsl::Date> d = dsl::Date::parse_iso(utc.substr(0, 10));
  if (!d) return utc;
  return report::long_date(*d) + " at " + utc.substr(11, 5) + " UTC";
}

namespace {

struct NavItem {
  const char* section;
  const char* href;
  const char* label;
};

std::vector<NavItem> navigation_for(const std::string& role) {
  if (role == "senco") return {{"caseload", "/", "Caseload"}};
  if (role == "la_officer") {
    return {{"cohort", "/", "Cohort"},       {"caseload", "/pupils", "Pupils"}, {"packs", "/packs", "Rules"},
            {"impact", "/impact", "Impact preview"}, {"runs", "/runs", "Runs"}};
  }
  return {{"runs", "/", "Runs"}, {"caseload", "/pupils", "Pupils"}, {"audit", "/audit", "Audit trail"},
          {"packs", "/packs", "Rules"}};
}

std::string role_title(const std::string& role) {
  if (role == "senco") return "SENCO";
  if (role == "la_officer") return "LA officer";
  if (role == "auditor") return "Auditor";
  return role;
}

std::string document(const std::string& title, const std::string& header, const std::string& main) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\" class=\"govuk-template\"><head><meta charset=\"utf-8\"><title>"
      << escape_html(title) << " - Waymark</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1, viewport-fit=cover\">"
      << "<link rel=\"icon\" href=\"/assets/waymark.svg\" type=\"image/svg+xml\">"
      << "<link rel=\"stylesheet\" href=\"/assets/govuk-frontend.min.css\"><link rel=\"stylesheet\" href=\"/assets/waymark.css\">"
      << "</head><body class=\"govuk-template__body\">"
      << "<a href=\"#main-content\" class=\"govuk-skip-link\" data-module=\"govuk-skip-link\">Skip to main content</a>"
      << header << "<div class=\"govuk-width-container\"><main class=\"govuk-main-wrapper\" id=\"main-content\">" << main
      << "</main></div><footer class=\"govuk-footer\"><div class=\"govuk-width-container\"><div class=\"govuk-footer__meta\">"
      << "<div class=\"govuk-footer__meta-item govuk-footer__meta-item--grow\"><p class=\"govuk-body-s\">Waymark supports the "
      << "graduated response; it does not replace professional judgement. Pupil data on these pages is special category "
      << "personal data: do not copy it outside the school's or the LA's systems.</p></div></div></div></footer>"
      << "<script type=\"module\" src=\"/assets/waymark.js\"></script></body></html>\n";
  return out.str();
}

}  // namespace

std::string layout(const Viewer& viewer, const Page& page) {
  std::ostringstream header;
  header << "<header class=\"wm-header\"><div class=\"govuk-width-container wm-header__container\">"
         << "<a href=\"/\" class=\"wm-header__service\">Waymark</a><span class=\"wm-header__tagline\">graduated response</span>"
         << "<div class=\"wm-header__user\">" << escape_html(viewer.name) << " (" << role_title(viewer.role);
  if (viewer.role == "senco" && !viewer.schools.empty()) {
    std::string schools;
    for (const std::string& s : viewer.schools) schools += (schools.empty() ? "" : ", ") + s;
    header << ", " << escape_html(schools);
  }
  header << ") <form method=\"post\" action=\"/logout\" class=\"wm-inline-form\">" << csrf_field(viewer.csrf)
         << "<button type=\"submit\" class=\"wm-link-button\">Sign out</button></form></div></div></header>";
  header << "<section aria-label=\"Service menu\" class=\"govuk-service-navigation\" data-module=\"govuk-service-navigation\">"
         << "<div class=\"govuk-width-container\"><div class=\"govuk-service-navigation__container\">"
         << "<nav aria-label=\"Menu\" class=\"govuk-service-navigation__wrapper\"><ul class=\"govuk-service-navigation__list\" id=\"navigation\">";
  for (const NavItem& item : navigation_for(viewer.role)) {
    const bool active = page.section == item.section;
    header << "<li class=\"govuk-service-navigation__item" << (active ? " govuk-service-navigation__item--active" : "")
           << "\"><a class=\"govuk-service-navigation__link\" href=\"" << item.href << "\""
           << (active ? " aria-current=\"page\"" : "") << ">" << item.label << "</a></li>";
  }
  header << "</ul></nav></div></div></section>";
  if (viewer.redact) {
    header << "<div class=\"govuk-width-container\"><div class=\"govuk-phase-banner\"><p class=\"govuk-phase-banner__content\">"
           << "<strong class=\"govuk-tag govuk-phase-banner__content__tag\">Redacted</strong><span class=\"govuk-phase-banner__text\">"
           << "Names are hidden on every page of this server.</span></p></div></div>";
  }
  std::string main;
  if (!page.notice.empty()) {
    main += "<div class=\"govuk-notification-banner govuk-notification-banner--success\" role=\"alert\" "
            "aria-labelledby=\"notice-title\" data-module=\"govuk-notification-banner\"><div class=\"govuk-notification-banner__header\">"
            "<h2 class=\"govuk-notification-banner__title\" id=\"notice-title\">Success</h2></div><div class=\"govuk-notification-banner__content\">"
            "<p class=\"govuk-notification-banner__heading\">" +
            escape_html(page.notice) + "</p></div></div>";
  }
  return document(page.title, header.str(), main + page.main);
}

std::string login_page(const std::string& error, const std::string& name) {
  std::ostringstream main;
  main << "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">";
  if (!error.empty()) {
    main << "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\"><div role=\"alert\">"
         << "<h2 class=\"govuk-error-summary__title\">There is a problem</h2><div class=\"govuk-error-summary__body\">"
         << "<ul class=\"govuk-list govuk-error-summary__list\"><li><a href=\"#name\">" << escape_html(error)
         << "</a></li></ul></div></div></div>";
  }
  main << "<h1 class=\"govuk-heading-l\">Sign in to Waymark</h1>"
       << "<p class=\"govuk-body\">Use the name and password your local authority gave you.</p>"
       << "<form method=\"post\" action=\"/login\" novalidate>"
       << "<div class=\"govuk-form-group" << (error.empty() ? "" : " govuk-form-group--error") << "\">"
       << "<label class=\"govuk-label\" for=\"name\">Name</label>"
       << "<input class=\"govuk-input govuk-!-width-two-thirds\" id=\"name\" name=\"name\" type=\"text\" autocomplete=\"username\" "
       << "spellcheck=\"false\" value=\"" << escape_html(name) << "\"></div>"
       << "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"password\">Password</label>"
       << "<input class=\"govuk-input govuk-!-width-two-thirds\" id=\"password\" name=\"password\" type=\"password\" "
       << "autocomplete=\"current-password\"></div>"
       << "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">Sign in</button></form></div></div>";
  const std::string header =
      "<header class=\"wm-header\"><div class=\"govuk-width-container wm-header__container\"><a href=\"/\" "
      "class=\"wm-header__service\">Waymark</a><span class=\"wm-header__tagline\">graduated response</span></div></header>";
  return document(error.empty() ? "Sign in" : "Error: Sign in", header, main.str());
}

std::string message_page(const Viewer& viewer, const std::string& title, const std::string& text) {
  Page page;
  page.title = title;
  page.main = "<h1 class=\"govuk-heading-l\">" + escape_html(title) + "</h1><p class=\"govuk-body\">" + escape_html(text) +
              "</p><p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/\">Go to the start page</a></p>";
  return layout(viewer, page);
}

}  // namespace waymark::server::pages
