#include "waymark/dsl/yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <sstream>

namespace waymark::dsl {

YamlNode::YamlNode() = default;
YamlNode::YamlNode(const YamlNode&) = default;
YamlNode::YamlNode(YamlNode&&) noexcept = default;
YamlNode& YamlNode::operator=(const YamlNode&) = default;
YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
YamlNode::~YamlNode() = default;

const YamlNode* YamlNode::find(std::string_view key) const {
  if (kind != Kind::mapping) return nullptr;
  for (const auto& [k, v] : entries) {
    if (k.is_scalar() && k.value == key) return &v;
  }
  return nullptr;
}

std::string_view YamlNode::shape_word() const {
  switch (kind) {
    case Kind::null: return "nothing";
    case Kind::scalar: return "a value";
    case Kind::sequence: return "a list";
    case Kind::mapping: return "a mapping";
  }
  return "a value";
}

namespace {

// Thrown by the builder, and caught in read_yaml, to stop yaml-cpp when it makes no progress.
struct EmptyDocuments {};

// Builds YamlNodes from yaml-cpp's parse events. Using events (not YAML::Node) is what lets us see
// aliases, anchors and tags, which YAML::Load silently resolves.
class TreeBuilder : public YAML::EventHandler {
public:
  TreeBuilder(const SourceFile& source, FileId file, Diagnostics& diagnostics)
      : source_(source), file_(file), diagnostics_(diagnostics) {}

  std::vector<YamlNode> documents;
  bool failed = false;

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 loops forever on some malformed input (",n`k"), starting document after document
    // at the same place; a real next document always starts further on, so stop there.
    if (started_ && mark.pos <= last_start_) throw EmptyDocuments{};
    started_ = true;
    last_start_ = mark.pos;
    stack_.clear();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_anchor(mark, anchor);
    YamlNode n;
    n.kind = YamlNode::Kind::null;
    n.offset = offset(mark);
    add(std::move(n));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    fail(mark, "yaml-alias", "YAML aliases (*name) are not allowed; write the value out in full");
    YamlNode n;
    n.offset = offset(mark);
    add(std::move(n));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    YamlNode n;
    n.offset = offset(mark);
    // A plain scalar that reads as null (`~`, `null`, empty) arrives here with tag "?".
    if (tag == "?" && (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")) {
      n.kind = YamlNode::Kind::null;
    } else {
      n.kind = YamlNode::Kind::scalar;
      n.value = value;
      n.quoted = tag == "!";
    }
    add(std::move(n));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(YamlNode::Kind::sequence, mark, tag, anchor, style);
  }

  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(YamlNode::Kind::mapping, mark, tag, anchor, style);
  }

  void OnMapEnd() override { close(); }

  // Anchors arrive both here and as the `anchor` argument of the node; reported once, there.
  void OnAnchor(const YAML::Mark&, const std::string&) override {}

private:
  struct Open {
    YamlNode node;
    YamlNode pending_key;
    bool has_key;
    std::set<std::string> keys;
  };

  std::size_t offset(const YAML::Mark& mark) const {
    if (mark.pos >= 0) return static_cast<std::size_t>(mark.pos);
    return source_.offset_of(static_cast<std::size_t>(mark.line) + 1, static_cast<std::size_t>(mark.column) + 1);
  }

  void fail(const YAML::Mark& mark, const char* code, std::string message) {
    failed = true;
    diagnostics_.error({file_, offset(mark), offset(mark) + 1}, code, std::move(message));
  }

  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) fail(mark, "yaml-alias", "YAML anchors (&name) are not allowed; write each value out in full");
  }

  void check_tag(const YAML::Mark& mark, const std::string& tag) {
    if (!tag.empty() && tag != "?" && tag != "!") {
      fail(mark, "yaml-tag", "YAML tags (" + tag + ") are not allowed; write the plain value");
    }
  }

  void add(YamlNode n) {
    if (stack_.empty()) {
      documents.push_back(std::move(n));
      return;
    }
    Open& top = stack_.back();
    if (top.node.kind == YamlNode::Kind::sequence) {
      top.node.items.push_back(std::move(n));
    } else if (!top.has_key) {
      if (n.is_scalar() || n.is_null()) {
        const std::string key = n.is_scalar() ? n.value : std::string();
        if (!top.keys.insert(key).second) {
          failed = true;
          diagnostics_.error({file_, n.offset, n.offset + key.size()}, "duplicate-key",
                             "the key '" + key + "' appears twice in this mapping; keep one");
        }
      } else {
        failed = true;
        diagnostics_.error({file_, n.offset, n.offset + 1}, "yaml-syntax",
                           "a key must be a plain value, not " + std::string(n.shape_word()));
      }
      top.pending_key = std::move(n);
      top.has_key = true;
    } else {
      top.node.entries.emplace_back(std::move(top.pending_key), std::move(n));
      top.has_key = false;
    }
  }

  /// A sequence or mapping starts: it stays open until its end event.
  void open(YamlNode::Kind kind, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            YAML::EmitterStyle::value style) {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    YamlNode n;
    n.kind = kind;
    n.offset = offset(mark);
    n.flow = style == YAML::EmitterStyle::Flow;
    stack_.push_back({std::move(n), {}, false, {}});
  }

  void close() {
    YamlNode done = std::move(stack_.back().node);
    stack_.pop_back();
    add(std::move(done));
  }

  const SourceFile& source_;
  FileId file_;
  Diagnostics& diagnostics_;
  std::vector<Open> stack_;
  bool started_ = false;
  int last_start_ = 0;
};

}  // namespace

std::optional<std::vector<YamlNode>> read_yaml(const SourceSet& sources, FileId file, Diagnostics& diagnostics) {
  const SourceFile& source = sources.file(file);
  std::istringstream stream(source.text());
  TreeBuilder builder(source, file, diagnostics);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const EmptyDocuments&) {
    diagnostics.error({file, 0, 1}, "yaml-syntax",
                      "this is not valid YAML: check for a stray character such as ` or @ at the start of a value");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    std::size_t at = e.mark.pos >= 0 ? static_cast<std::size_t>(e.mark.pos) : source.text().size();
    if (e.mark.pos < 0 && e.mark.line >= 0) {
      at = source.offset_of(static_cast<std::size_t>(e.mark.line) + 1, static_cast<std::size_t>(e.mark.column) + 1);
    }
    diagnostics.error({file, at, at + 1}, "yaml-syntax", "this is not valid YAML: " + e.msg);
    return std::nullopt;
  }
  if (builder.failed) return std::nullopt;
  return std::move(builder.documents);
}

SourceRange yaml_range(FileId file, const YamlNode& node) {
  const std::size_t length = node.is_scalar() && !node.quoted ? std::max<std::size_t>(node.value.size(), 1) : 1;
  return {file, node.offset, node.offset + length};
}

bool reject_unknown_keys(FileId file, const YamlNode& mapping, const std::vector<std::string>& allowed,
                         std::string_view what, Diagnostics& diagnostics) {
  bool ok = true;
  for (const auto& [key, value] : mapping.entries) {
    if (!key.is_scalar()) continue;
    bool known = false;
    for (const std::string& a : allowed) known = known || a == key.value;
    if (known) continue;
    ok = false;
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    diagnostics.error(yaml_range(file, key), "unknown-key",
                      "unknown key '" + key.value + "' in " + std::string(what) + did_you_mean(key.value, allowed) +
                          " (expected one of: " + list + ")");
  }
  return ok;
}

}  // namespace waymark::dsl
