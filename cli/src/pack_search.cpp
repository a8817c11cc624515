#include "pack_search.hpp"

#include <cstdlib>
#include <filesystem>

namespace waymark::cli {

dsl::PackSearch pack_search() {
  dsl::PackSearch search;
  if (const char* env = std::getenv("WAYMARK_PACKS")) {
    std::string list = env;
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t colon = list.find(':', start);
      const std::string dir = list.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!dir.empty()) search.directories.push_back(dir);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  // The packs shipped with Waymark: beside an installed binary (../share/waymark/rules), else the
  // source tree it was built from.
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path installed = self.parent_path().parent_path() / "share" / "waymark" / "rules";
  search.shipped = !ec && std::filesystem::is_directory(installed, ec) ? installed.string() : WAYMARK_SHIPPED_PACKS_DIR;
  return search;
}

}  // namespace waymark::cli
