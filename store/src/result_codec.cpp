#include "result_codec.hpp"

#include <utility>
#include <nlohmann/json.hpp>

#include "json_text.hpp"

namespace waymark::store::detail {

namespace {

using nlohmann::ordered_json;

const char* truth_word(const engine::Truth& t) { return t.yes() ? "true" : t.is_pending() ? "pending" : "false"; }

std::optional<engine::Truth> parse_truth(const ordered_json& j, const char* result_key) {
  if (!j.contains(result_key) || !j[result_key].is_string()) return std::nullopt;
  const std::string& word = j[result_key].get_ref<const std::string&>();
  engine::Truth t;
  if (word == "true") {
    t.state = engine::Truth::State::yes;
  } else if (word == "false") {
    t.state = engine::Truth::State::no;
  } else if (word == "pending") {
    t.state = engine::Truth::State::pending;
  } else {
    return std::nullopt;
  }
  if (j.contains("deadline") && j["deadline"].is_string()) {
    t.deadline = dsl::Date::parse_iso(j["deadline"].get_ref<const std::string&>());
    if (!t.deadline) return std::nullopt;
  }
  return t;
}

bool text_of(const ordered_json& j, const char* key, std::string& out) {
  if (!j.contains(key) || !j[key].is_string()) return false;
  out = j[key].get<std::string>();
  return true;
}

bool strings_of(const ordered_json& j, const char* key, std::vector<std::string>& out) {
  if (!j.contains(key) || !j[key].is_array()) return false;
  for (const ordered_json& s : j[key]) {
    if (!s.is_string()) return false;
    out.push_back(s.get<std::string>());
  }
  return true;
}

std::optional<engine::ExplanationNode> parse_node(const ordered_json& j, int depth) {
  if (!j.is_object() || depth > 200) return std::nullopt;
  engine::ExplanationNode n;
  if (!text_of(j, "joiner", n.joiner) || !text_of(j, "condition", n.text) || !text_of(j, "at", n.location) ||
      !strings_of(j, "facts", n.facts)) {
    return std::nullopt;
  }
  const auto t = parse_truth(j, "result");
  if (!t || !j.contains("children") || !j["children"].is_array()) return std::nullopt;
  n.result = *t;
  for (const ordered_json& c : j["children"]) {
    auto child = parse_node(c, depth + 1);
    if (!child) return std::nullopt;
    n.children.push_back(std::move(*child));
  }
  return n;
}

}  // namespace

namespace {

void put_string(std::string& out, std::string_view text) { put_json_string(out, text); }
void put_strings(std::string& out, const std::vector<std::string>& list) { put_json_strings(out, list); }

void put_truth(std::string& out, const engine::Truth& t) {
  out += ",\"result\":\"";
  out += truth_word(t);
  out += "\",\"deadline\":";
  if (t.deadline) {
    put_string(out, t.deadline->iso());
  } else {
    out += "null";
  }
}

void put_node(std::string& out, const engine::ExplanationNode& n) {
  out += "{\"joiner\":";
  put_string(out, n.joiner);
  out += ",\"condition\":";
  put_string(out, n.text);
  out += ",\"at\":";
  put_string(out, n.location);
  put_truth(out, n.result);
  out += ",\"facts\":";
  put_strings(out, n.facts);
  out += ",\"children\":[";
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    if (i > 0) out += ',';
    put_node(out, n.children[i]);
  }
  out += "]}";
}

}  // namespace

std::string strings_json(const std::vector<std::string>& list) {
  std::string out;
  put_strings(out, list);
  return out;
}

std::optional<std::vector<std::string>> parse_strings(const std::string& text) {
  const ordered_json j = ordered_json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return std::nullopt;
  for (const ordered_json& s : j) {
    if (!s.is_string()) return std::nullopt;
    out.push_back(s.get<std::string>());
  }
  return out;
}

namespace {

// Appended in place: a flag's packed texts hold it, so it is written once rather than built and copied.
void put_explanation_json(std::string& out, const engine::Explanation& e) {
  out += "{\"rule\":";
  put_string(out, e.rule);
  out += ",\"rule_at\":";
  put_string(out, e.rule_location);
  out += ",\"pupil\":";
  put_string(out, e.pupil);
  out += ",\"as_of\":";
  put_string(out, e.as_of.iso());
  out += ",\"binding\":";
  if (e.binding.empty()) {
    out += "null";
  } else {
    put_string(out, engine::binding_text(e.binding));
  }
  // `when` and `unless` are each a condition tree or null.
  for (const auto& [key, node] : {std::pair{",\"when\":", &e.when}, std::pair{",\"unless\":", &e.unless}}) {
    out += key;
    if (*node) {
      put_node(out, **node);
    } else {
      out += "null";
    }
  }
  put_truth(out, e.result);
  out += ",\"actions\":";
  put_strings(out, e.actions);
  out += ",\"cite\":";
  put_string(out, e.cite);
  out += '}';
}

}  // namespace

std::string explanation_json(const engine::Explanation& e) {
  std::string out;
  out.reserve(1024);
  put_explanation_json(out, e);
  return out;
}

namespace {

std::optional<engine::Explanation> explanation_of(const ordered_json& j) {
  if (!j.is_object()) return std::nullopt;
  engine::Explanation e;
  std::string as_of;
  if (!text_of(j, "rule", e.rule) || !text_of(j, "rule_at", e.rule_location) || !text_of(j, "pupil", e.pupil) ||
      !text_of(j, "as_of", as_of) || !strings_of(j, "actions", e.actions) || !text_of(j, "cite", e.cite)) {
    return std::nullopt;
  }
  const auto date = dsl::Date::parse_iso(as_of);
  const auto result = parse_truth(j, "result");
  if (!date || !result) return std::nullopt;
  e.as_of = *date;
  e.result = *result;
  if (j.contains("binding") && j["binding"].is_string()) {
    // Stored as the text the chain hashed; read back into its parts, rendering to the same text.
    auto binding = engine::parse_binding(j["binding"].get<std::string>());
    if (!binding) return std::nullopt;
    e.binding = std::move(*binding);
  }
  for (const char* key : {"when", "unless"}) {
    if (!j.contains(key) || j[key].is_null()) continue;
    auto node = parse_node(j[key], 0);
    if (!node) return std::nullopt;
    (std::string(key) == "when" ? e.when : e.unless) = std::move(*node);
  }
  return e;
}

}  // namespace

std::optional<engine::Explanation> parse_explanation(const std::string& text) {
  return explanation_of(ordered_json::parse(text, nullptr, false));
}

std::string flag_texts_json(const engine::Flag& flag) {
  std::string out;
  put_flag_texts_json(out, flag);
  return out;
}

void put_flag_texts_json(std::string& out, const engine::Flag& flag) {
  out += "{\"actions\":";
  put_json_strings(out, flag.actions);
  out += ",\"notify\":";
  put_json_strings(out, flag.notify);
  out += ",\"cite\":";
  put_json_string(out, flag.cite);
  out += ",\"explanation\":";
  put_explanation_json(out, flag.explanation);
  out += '}';
}

bool read_flag_texts(std::string_view json, engine::Flag& flag) {
  const ordered_json j = ordered_json::parse(json, nullptr, false);
  if (!j.is_object() || !strings_of(j, "actions", flag.actions) || !strings_of(j, "notify", flag.notify) ||
      !text_of(j, "cite", flag.cite) || !j.contains("explanation")) {
    return false;
  }
  auto explanation = explanation_of(j["explanation"]);
  if (!explanation) return false;
  flag.explanation = std::move(*explanation);
  return true;
}

const char* severity_word(dsl::SeverityLevel level) { return engine::severity_name(level); }

std::optional<dsl::SeverityLevel> parse_severity(const std::string& word) {
  for (dsl::SeverityLevel l : {dsl::SeverityLevel::low, dsl::SeverityLevel::medium, dsl::SeverityLevel::high,
                               dsl::SeverityLevel::urgent}) {
    if (word == engine::severity_name(l)) return l;
  }
  return std::nullopt;
}

std::string bound_item(const engine::Flag& flag) {
  return flag.explanation.binding.item;
}

}  // namespace waymark::store::detail
