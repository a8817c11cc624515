#include "waymark/dsl/yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace waymark::dsl {

namespace {

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

/// The byte offset of a yaml-cpp mark (0-based) in the file, which has `base` bytes yaml-cpp did not see.
std::size_t yaml_offset(const SourceFile& source, const YAML::Mark& mark, std::size_t base) {
  if (mark.pos >= 0) return std::min(static_cast<std::size_t>(mark.pos) + base, source.text().size());
  const std::size_t column = static_cast<std::size_t>(mark.column) + 1 + (mark.line == 0 ? base : 0);
  return source.offset_of(static_cast<std::size_t>(mark.line) + 1, column);
}

}  // namespace

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
  TreeBuilder(const SourceFile& source, FileId file, Diagnostics& diagnostics, Echo echo, std::size_t base)
      : source_(source), file_(file), diagnostics_(diagnostics), echo_(echo), base_(base) {}

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
    return yaml_offset(source_, mark, base_);
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
      fail(mark, "yaml-tag",
           echo_ == Echo::text ? "YAML tags (" + tag + ") are not allowed; write the plain value"
                               : std::string("YAML tags (!...) are not allowed; write the plain value"));
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
                             echo_ == Echo::text ? "the key '" + key + "' appears twice in this mapping; keep one"
                                                 : std::string("this key appears twice in this mapping; keep one"));
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
  Echo echo_;
  std::size_t base_;  // bytes before what yaml-cpp reads (a byte-order mark)
  std::vector<Open> stack_;
  bool started_ = false;
  int last_start_ = 0;
};

}  // namespace

std::optional<std::vector<YamlNode>> read_yaml(const SourceSet& sources, FileId file, Diagnostics& diagnostics,
                                               Echo echo) {
  const SourceFile& source = sources.file(file);
  // Text a reader must not guess at (UTF-16, NUL, a stray byte-order mark, bad UTF-8) is refused at
  // its line and column before yaml-cpp sees it: yaml-cpp would transcode or stop early.
  if (!check_text(sources, file, diagnostics)) return std::nullopt;
  // yaml-cpp skips a leading byte-order mark without counting it; it is cut here and added back to
  // every offset, so positions on the first line stay right.
  const std::size_t base = source.text().rfind(byte_order_mark, 0) == 0 ? byte_order_mark.size() : 0;
  std::istringstream stream(std::string(source.text().substr(base)));
  TreeBuilder builder(source, file, diagnostics, echo, base);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const EmptyDocuments&) {
    diagnostics.error({file, base, base + 1}, "yaml-syntax",
                      "this is not valid YAML: check for a stray character such as ` or @ at the start of a value");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    const std::size_t at = e.mark.pos < 0 && e.mark.line < 0 ? source.text().size() : yaml_offset(source, e.mark, base);
    // Some yaml-cpp messages end with text from the file ("unknown escape character: X").
    std::string message = e.msg;
    if (const std::size_t colon = message.find(": "); echo == Echo::never && colon != std::string::npos) {
      message.resize(colon);
    }
    if (message == "illegal EOF in scalar") message = "the file ends inside a quoted value: close the quote (was the file cut short?)";
    diagnostics.error({file, at, at + 1}, "yaml-syntax", "this is not valid YAML: " + message);
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
                         std::string_view what, Diagnostics& diagnostics, Echo echo) {
  bool ok = true;
  for (const auto& [key, value] : mapping.entries) {
    if (!key.is_scalar()) continue;
    bool known = false;
    for (const std::string& a : allowed) known = known || a == key.value;
    if (known) continue;
    ok = false;
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    const std::string named = echo == Echo::text ? "unknown key '" + key.value + "' in " : "unknown key in ";
    diagnostics.error(yaml_range(file, key), "unknown-key",
                      named + std::string(what) + did_you_mean(key.value, allowed) + " (expected one of: " + list + ")");
  }
  return ok;
}

}  // namespace waymark::dsl
