#pragma once
// Private to the store: streaming pupil versions with their records out of the database, two ordered
// queries merged by version id, so 250,000 pupils never need one query per pupil.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "case_codec.hpp"
#include "sqlite.hpp"

namespace waymark::store::detail {

/// One pupil_versions row and its records.
struct VersionRow {
  std::int64_t id = 0;
  std::int64_t import_id = 0;
  std::optional<std::int64_t> replaces;
  StoredPupil pupil;
  Bytes digest;  // as stored
};

/// The columns a versions query must select, in this order, from `pupil_versions v`.
inline constexpr const char* version_columns =
    "v.id, v.import_id, v.replaces, v.pupil_id, v.upn, v.name, v.attributes, v.marks_first, v.marks, v.digest";
/// The columns a records query must select, in this order, from `records r`.
inline constexpr const char* record_columns = "r.version_id, r.kind, r.record_id, r.anchor, r.end_date, r.fields";

class VersionStream {
public:
  /// `versions` and `records` must list versions in the same order, records in `seq` order within one.
  /// `bind` binds the same parameters to both. With `skip_orphans` (both ordered by version id),
  /// records of a version that does not exist are passed over (and counted).
  VersionStream(Connection& connection, const std::string& versions, const std::string& records,
                const std::function<void(Statement&)>& bind, bool skip_orphans = false);
  bool next(VersionRow& out);
  std::size_t orphans() const { return orphans_; }

private:
  Statement versions_;
  Statement records_;
  bool has_record_ = false;
  bool skip_orphans_ = false;
  std::size_t orphans_ = 0;
};

}  // namespace waymark::store::detail
