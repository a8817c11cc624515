// Loading a rule pack and its bases (packs.md §1): find the folder, read the manifest strictly,
// load bases first (naming any cycle), merge vocabularies, parse rule files, compute the digest.

#include "waymark/dsl/rule_pack.hpp"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "waymark/dsl/parse.hpp"
#include "waymark/dsl/sha256.hpp"
#include "waymark/dsl/yaml_document.hpp"

namespace waymark::dsl {

int RulePack::layer_index(const std::string& name) const {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> manifest_keys{"pack",  "title",   "version",  "authority", "extends",   "tiers",
                                             "parameters", "disable", "rules", "tests", "calendar", "vocabulary"};

bool is_pack_name(const std::string& s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || s == "." || s == ".." || s.rfind("./", 0) == 0;
}

std::string join_path(const std::string& folder, const std::string& relative) {
  if (folder.empty() || folder == ".") return relative;
  return folder.back() == '/' ? folder + relative : folder + "/" + relative;
}

/// Files matching a manifest pattern (`*.wmk`, `tests/*.yaml`), sorted, relative to the folder.
std::vector<std::string> expand(const std::string& folder, const std::string& pattern) {
  std::vector<std::string> out;
  glob_t found{};
  const std::string full = join_path(folder, pattern);
  if (::glob(full.c_str(), GLOB_NOSORT, nullptr, &found) == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
      std::error_code ec;
      // Folders and special files that match are kept, so that reading them names the problem.
      if (fs::exists(fs::symlink_status(found.gl_pathv[i], ec))) out.emplace_back(found.gl_pathv[i]);
    }
  }
  ::globfree(&found);
  std::sort(out.begin(), out.end());  // bytewise: the same order on every machine
  return out;
}

bool ends_with_wmk(const std::string& pattern) {
  return pattern.size() >= 4 && pattern.compare(pattern.size() - 4, 4, ".wmk") == 0;
}

/// Whether `path` really lies in `folder` once symbolic links are followed.
bool within(const std::string& folder, const std::string& path) {
  std::error_code ec;
  const std::string root = fs::weakly_canonical(folder, ec).string();
  const std::string real = fs::weakly_canonical(path, ec).string();
  return !ec && real.size() > root.size() && real.compare(0, root.size(), root) == 0 &&
         (root.back() == '/' || real[root.size()] == '/');
}

std::string relative_to(const std::string& folder, const std::string& path) {
  const std::string prefix = folder.empty() || folder == "." ? "" : (folder.back() == '/' ? folder : folder + "/");
  return path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
}

/// What a manifest says about where a layer's files are (packs.md §1 defaults).
struct LayerFiles {
  std::vector<std::string> rules{"*.wmk"};
  std::vector<std::string> tests{"tests/*.yaml"};
  std::vector<std::string> calendars;
  SourceRange calendar_at;
  std::string vocabulary;  // empty: vocabulary.yaml when present
};

class PackLoader {
public:
  PackLoader(const PackSearch& search, SourceSet& sources, Diagnostics& diagnostics)
      : search_(search), sources_(sources), diagnostics_(diagnostics) {}

  std::optional<RulePack> load(std::string name_or_path) {
    // `rules/kent/` is `rules/kent` (issue 10.5): the folder's name makes an anonymous pack's name.
    while (name_or_path.size() > 1 && name_or_path.back() == '/') name_or_path.pop_back();
    const std::optional<std::string> folder = find(name_or_path, "");
    if (!folder) {
      diagnostics_.error({}, "pack-not-found", not_found_message(name_or_path, ""));
      return std::nullopt;
    }
    RulePack pack;
    if (!load_layer(*folder, pack, SourceRange{})) return std::nullopt;
    // The nearest layer that declares tiers: the most derived pack's view of the graduated response.
    for (const PackLayer& layer : pack.layers) {
      if (!layer.tiers.empty()) pack.tiers = layer.tiers;
    }
    return pack;
  }

private:
  std::string not_found_message(const std::string& name, const std::string& beside) const {
    std::string where;
    if (!beside.empty()) where += beside + ", ";
    for (const std::string& d : search_.directories) where += d + ", ";
    where += search_.shipped;
    return "no pack '" + name + "' (looked in " + where + "); give a path such as ./my-pack or set WAYMARK_PACKS";
  }

  /// A pack's folder. A path is taken as given (from the command line) or relative to the folder of
  /// the pack that names it (in `extends:`); a bare name is looked for beside that pack, then in
  /// WAYMARK_PACKS, then among the shipped packs (packs.md §1).
  std::optional<std::string> find(const std::string& name, const std::string& naming_folder) const {
    std::error_code ec;
    if (looks_like_path(name) || !is_pack_name(name)) {
      std::string path = name;
      if (!naming_folder.empty() && fs::path(name).is_relative()) {
        path = fs::path(join_path(naming_folder, name)).lexically_normal().string();
      }
      if (fs::is_directory(path, ec)) return path;
      return std::nullopt;
    }
    std::vector<std::string> places;
    if (!naming_folder.empty()) {
      const fs::path parent = fs::path(naming_folder).lexically_normal().parent_path();
      places.push_back(parent.empty() ? std::string(".") : parent.string());
    }
    places.insert(places.end(), search_.directories.begin(), search_.directories.end());
    places.push_back(search_.shipped);
    for (const std::string& place : places) {
      if (place.empty()) continue;
      const std::string candidate = join_path(place, name);
      if (fs::is_directory(candidate, ec) && fs::exists(join_path(candidate, "pack.yaml"), ec)) return candidate;
    }
    // On the command line, a folder of that name in the working directory is meant.
    if (naming_folder.empty() && fs::is_directory(name, ec)) return name;
    return std::nullopt;
  }

  /// Reads a file the manifest names, refusing one that a symbolic link puts outside the pack's folder.
  std::optional<FileId> read_inside(const std::string& folder, const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec)) && !within(folder, path)) {
      diagnostics_.error({}, "outside-pack",
                         "'" + path + "' leads outside the pack's folder (a symbolic link): copy the file into the pack");
      return std::nullopt;
    }
    return read_source(path, sources_, diagnostics_, max_bytes);
  }

  void error(FileId file, const YamlNode& node, const char* code, std::string message) {
    diagnostics_.error(yaml_range(file, node), code, std::move(message));
  }

  bool load_layer(const std::string& folder, RulePack& pack, SourceRange named_at) {
    std::error_code ec;
    const std::string canonical = fs::weakly_canonical(folder, ec).string();
    if (const auto again = std::find(chain_.begin(), chain_.end(), canonical); again != chain_.end()) {
      // Name the chain by pack names, ending with the pack met again.
      std::string names;
      for (const std::string& n : chain_names_) names += n + " -> ";
      const auto index = static_cast<std::size_t>(again - chain_.begin());
      names += index < chain_names_.size() ? chain_names_[index] : folder;
      diagnostics_.error(named_at, "extends-cycle",
                         "the packs extend each other in a cycle: " + names + "; remove one of these 'extends:'");
      return false;
    }
    chain_.push_back(canonical);

    PackLayer layer;
    layer.folder = folder;
    const std::string manifest_path = join_path(folder, "pack.yaml");
    std::optional<std::string> extends;
    SourceRange extends_at;
    LayerFiles files;
    if (fs::exists(manifest_path, ec)) {
      const std::optional<FileId> file = read_source(manifest_path, sources_, diagnostics_, 1 << 20);
      if (!file) return false;
      layer.manifest = *file;
      if (!read_manifest(*file, layer, files, extends, extends_at)) return false;
    } else {
      // A bare folder of .wmk files is an anonymous local pack on top of the England base.
      std::string base = fs::path(canonical).filename().string();
      std::transform(base.begin(), base.end(), base.begin(), [](char c) {
        const char lower = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        return (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ? lower : '_';
      });
      layer.name = is_pack_name(base) && base != "england" ? base : "local";
      layer.version = "unversioned";
      if (layer.name != "england") extends = "england";
    }
    chain_names_.push_back(layer.name);

    if (extends) {
      const std::optional<std::string> base = find(*extends, folder);
      if (!base) {
        const fs::path parent = fs::path(folder).lexically_normal().parent_path();
        diagnostics_.error(extends_at, "pack-not-found", not_found_message(*extends, parent.empty() ? "." : parent.string()));
        return false;
      }
      if (!load_layer(*base, pack, extends_at)) return false;
    }
    if (pack.layer_index(layer.name) >= 0) {
      diagnostics_.error(extends_at, "duplicate-pack", "two packs of the chain are both named '" + layer.name + "'");
      return false;
    }

    // Vocabulary: the base's, plus this layer's additions.
    const std::string vocabulary_path =
        files.vocabulary.empty() ? join_path(folder, "vocabulary.yaml") : join_path(folder, files.vocabulary);
    if (!files.vocabulary.empty() || fs::exists(vocabulary_path, ec)) {
      const std::optional<FileId> file = read_inside(folder, vocabulary_path, 16 << 20);
      if (!file) return false;
      layer.vocabulary_file = *file;
      if (!load_vocabulary(sources_, *file, pack.vocabulary, diagnostics_)) return false;
    }

    for (const std::string& pattern : files.rules) {
      for (const std::string& path : expand(folder, pattern)) {
        const std::optional<FileId> file = read_inside(folder, path, 64 << 20);
        if (!file) continue;
        layer.rule_files.push_back(parse(sources_, *file, diagnostics_));
      }
    }
    for (const std::string& pattern : files.tests) {
      for (const std::string& path : expand(folder, pattern)) {
        if (const std::optional<FileId> file = read_inside(folder, path, 64 << 20)) {
          layer.test_files.push_back(*file);
        }
      }
    }
    for (const std::string& pattern : files.calendars) {
      const std::vector<std::string> found = expand(folder, pattern);
      if (found.empty()) {
        diagnostics_.error(files.calendar_at, "cannot-read", "no calendar file matches '" + pattern + "' in " + folder);
      }
      for (const std::string& path : found) {
        if (const std::optional<FileId> file = read_inside(folder, path, 16 << 20)) {
          layer.calendar_files.push_back(*file);
        }
      }
    }
    pack.layers.push_back(std::move(layer));
    chain_.pop_back();
    chain_names_.pop_back();
    return true;
  }

  bool read_manifest(FileId file, PackLayer& layer, LayerFiles& files, std::optional<std::string>& extends,
                     SourceRange& extends_at) {
    Diagnostics local;
    const auto documents = read_yaml(sources_, file, local);
    if (!documents) {
      diagnostics_.append(local);
      return false;
    }
    if (documents->size() != 1 || !documents->front().is_mapping()) {
      local.error({file, 0, 1}, "manifest", "pack.yaml is one mapping with at least 'pack' and 'version'");
      diagnostics_.append(local);
      return false;
    }
    const YamlNode& root = documents->front();
    reject_unknown_keys(file, root, manifest_keys, "pack.yaml", local);

    const YamlNode* pack_node = root.find("pack");
    if (pack_node == nullptr) {
      local.error({file, 0, 1}, "missing-key", "pack.yaml needs 'pack: NAME' (lower case, [a-z][a-z0-9_]*)");
    } else if (auto name = scalar_into(local, file, pack_node, "pack")) {
      if (!is_pack_name(*name)) {
        local.error(yaml_range(file, *pack_node), "manifest",
                    "the pack name '" + *name + "' must match [a-z][a-z0-9_]* (it prefixes the rule ids)");
      }
      layer.name = *name;
    }
    const YamlNode* version = root.find("version");
    if (version == nullptr) {
      local.error({file, 0, 1}, "missing-key", "pack.yaml needs 'version:' (printed in every result)");
    } else if (auto v = scalar_into(local, file, version, "version")) {
      layer.version = *v;
    }
    if (auto t = scalar_into(local, file, root.find("title"), "title")) layer.title = *t;
    if (auto a = scalar_into(local, file, root.find("authority"), "authority")) layer.authority = *a;
    if (const YamlNode* e = root.find("extends")) {
      if (auto name = scalar_into(local, file, e, "extends")) {
        extends = *name;
        extends_at = yaml_range(file, *e);
      }
    }
    if (const YamlNode* tiers = root.find("tiers")) read_tiers(local, file, *tiers, layer);
    if (const YamlNode* params = root.find("parameters")) read_overrides(local, file, *params, layer);
    if (const YamlNode* disable = root.find("disable")) {
      if (!disable->is_sequence()) {
        local.error(yaml_range(file, *disable), "manifest", "'disable' is a list of qualified rule ids: [england/rule-id]");
      } else {
        for (const YamlNode& item : disable->items) {
          if (!item.is_scalar() || item.value.find('/') == std::string::npos) {
            local.error(yaml_range(file, item), "manifest", "a disabled rule is named with its pack: 'england/rule-id'");
            continue;
          }
          layer.disabled.push_back({item.value, yaml_range(file, item)});
        }
      }
    }
    Diagnostics& d = local;
    auto pats = [&](const char* key, std::string fallback) {
      const YamlNode* node = root.find(key);
      if (node == nullptr) return std::vector<std::string>{std::move(fallback)};
      if (node->is_scalar()) {
        if (!stays_inside(d, file, *node, key)) return std::vector<std::string>{};
        return std::vector<std::string>{node->value};
      }
      std::vector<std::string> out;
      if (!node->is_sequence()) {
        d.error(yaml_range(file, *node), "manifest", std::string("'") + key + "' is a file pattern or a list of them");
        return out;
      }
      for (const YamlNode& item : node->items) {
        if (!item.is_scalar()) {
          d.error(yaml_range(file, item), "manifest", std::string("each entry of '") + key + "' is a file pattern");
        } else if (stays_inside(d, file, item, key)) {
          out.push_back(item.value);
        }
      }
      return out;
    };
    files.rules = pats("rules", "*.wmk");
    files.tests = pats("tests", "tests/*.yaml");
    if (root.find("calendar") != nullptr) {
      files.calendars = pats("calendar", "");
      files.calendar_at = yaml_range(file, *root.find("calendar"));
    }
    if (auto v = scalar_into(local, file, root.find("vocabulary"), "vocabulary")) {
      if (stays_inside(local, file, *root.find("vocabulary"), "vocabulary")) files.vocabulary = *v;
    }
    for (const std::string& pattern : files.rules) {
      // Only rule files are parsed as rules, and only their lines are ever quoted in diagnostics.
      if (!ends_with_wmk(pattern)) {
        d.error(yaml_range(file, *root.find("rules")), "manifest", "rule files end in .wmk: write patterns such as '*.wmk'");
        files.rules.clear();
        break;
      }
    }
    diagnostics_.append(local);
    return !local.has_errors();
  }

  /// packs.md §1: a manifest names files of its own folder; a pattern that could reach outside it
  /// (absolute, or with a '..' part) is an error. Symbolic links out of the folder are refused when read.
  static bool stays_inside(Diagnostics& d, FileId file, const YamlNode& node, const char* key) {
    const fs::path path(node.value);
    bool up = false;
    for (const fs::path& part : path) up = up || part == "..";
    if (!path.is_absolute() && !up) return true;
    d.error(yaml_range(file, node), "manifest",
            std::string("'") + key + "' names files inside the pack's folder: write a path relative to pack.yaml, without '..'");
    return false;
  }

  std::optional<std::string> scalar_into(Diagnostics& d, FileId file, const YamlNode* node, const char* key) {
    if (node == nullptr) return std::nullopt;
    if (!node->is_scalar()) {
      d.error(yaml_range(file, *node), "manifest",
              std::string("'") + key + "' is a single value, not " + std::string(node->shape_word()));
      return std::nullopt;
    }
    return node->value;
  }

  void read_tiers(Diagnostics& d, FileId file, const YamlNode& tiers, PackLayer& layer) {
    if (!tiers.is_mapping()) {
      d.error(yaml_range(file, tiers), "manifest", "'tiers' maps each tier number to its name: {1: Universal, 2: Targeted}");
      return;
    }
    for (const auto& [key, value] : tiers.entries) {
      const std::optional<Rational> n = Rational::parse_decimal(key.value);
      if (!n || !n->is_whole() || n->numerator() < 1 || n->numerator() > 99) {
        d.error(yaml_range(file, key), "manifest", "a tier is a whole number from 1 to 99, not '" + key.value + "'");
        continue;
      }
      layer.tiers[n->numerator()] = value.is_scalar() ? value.value : std::string();
    }
  }

  void read_overrides(Diagnostics& d, FileId file, const YamlNode& params, PackLayer& layer) {
    if (!params.is_mapping()) {
      d.error(yaml_range(file, params), "manifest", "'parameters' maps parameter names to values: {review_interval: 4 weeks}");
      return;
    }
    for (const auto& [key, value] : params.entries) {
      if (!value.is_scalar()) {
        d.error(yaml_range(file, value), "type-mismatch",
                "the override of '" + key.value + "' must be a single value such as '4 weeks' or '12.5%'");
        continue;
      }
      layer.overrides.push_back({key.value, value.value, value.quoted, yaml_range(file, key), yaml_range(file, value)});
    }
  }

  const PackSearch& search_;
  SourceSet& sources_;
  Diagnostics& diagnostics_;
  std::vector<std::string> chain_;
  std::vector<std::string> chain_names_;
};

}  // namespace

std::string pack_digest(const RulePack& pack, const SourceSet& sources) {
  // packs.md §1: every manifest, rule file, vocabulary and calendar of the chain, each preceded by
  // its name PACK/relative-path, sorted by that name. Each entry is framed with its lengths so that
  // no two different packs can hash alike by shifting text between files.
  std::vector<std::pair<std::string, std::string_view>> entries;
  for (const PackLayer& layer : pack.layers) {
    auto add = [&](FileId id) {
      const SourceFile& f = sources.file(id);
      entries.emplace_back(layer.name + "/" + relative_to(layer.folder, f.path()), f.text());
    };
    if (layer.manifest != no_file) add(layer.manifest);
    for (const RuleFile& r : layer.rule_files) add(r.file);
    if (layer.vocabulary_file) add(*layer.vocabulary_file);
    for (FileId c : layer.calendar_files) add(c);
  }
  std::sort(entries.begin(), entries.end());
  Sha256 hash;
  for (const auto& [name, text] : entries) {
    const std::string header = name + "\n" + std::to_string(text.size()) + "\n";
    hash.update(header);
    hash.update(text);
  }
  return sha256_text(hash.finish());
}

std::optional<RulePack> load_pack(const std::string& name_or_path, const PackSearch& search, SourceSet& sources,
                                  Diagnostics& diagnostics) {
  PackLoader loader(search, sources, diagnostics);
  std::optional<RulePack> pack = loader.load(name_or_path);
  if (pack) pack->digest = pack_digest(*pack, sources);
  return pack;
}

}  // namespace waymark::dsl
