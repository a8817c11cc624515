#include "versions.hpp"

namespace waymark::store::detail {

VersionStream::VersionStream(Connection& connection, const std::string& versions, const std::string& records,
                             const std::function<void(Statement&)>& bind, bool skip_orphans)
    : versions_(connection, versions), records_(connection, records), skip_orphans_(skip_orphans) {
  if (bind) {
    bind(versions_);
    bind(records_);
  }
  has_record_ = records_.step();
}

bool VersionStream::next(VersionRow& out) {
  if (!versions_.step()) return false;
  out.id = versions_.integer(0);
  out.import_id = versions_.integer(1);
  out.replaces = versions_.optional_integer(2);
  StoredPupil& p = out.pupil;
  p.id = versions_.text(3);
  p.upn = versions_.optional_text(4);
  p.name = versions_.optional_text(5);
  p.attributes = versions_.text(6);
  p.marks_first = versions_.optional_text(7);
  p.marks.reset();
  if (!versions_.is_null(8)) p.marks = versions_.blob(8);
  out.digest = versions_.blob(9);
  p.records.clear();
  while (has_record_) {
    const std::int64_t owner = records_.integer(0);
    if (skip_orphans_ && owner < out.id) {
      ++orphans_;
      has_record_ = records_.step();
      continue;
    }
    if (owner != out.id) break;
    StoredRecord r;
    r.kind = records_.text(1);
    r.record_id = records_.text(2);
    r.anchor = records_.text(3);
    r.end_date = records_.optional_text(4);
    r.fields = records_.text(5);
    p.records.push_back(std::move(r));
    has_record_ = records_.step();
  }
  return true;
}

}  // namespace waymark::store::detail
