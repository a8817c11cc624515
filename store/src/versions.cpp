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

namespace {

// Column values assigned into the row's existing strings and vectors: a row read into the same
// VersionRow again (a block of them is reused) allocates nothing once its buffers are large enough.
void assign(std::string& out, const SqlView& v) { out.assign(v.bytes); }

void assign(std::optional<std::string>& out, const SqlView& v) {
  if (v.type == SqlView::Type::null) {
    out.reset();
  } else {
    assign(out ? *out : out.emplace(), v);
  }
}

void assign(Bytes& out, const SqlView& v) { out.assign(v.bytes.begin(), v.bytes.end()); }

}  // namespace

bool VersionStream::next(VersionRow& out) {
  if (!versions_.step()) return false;
  out.id = versions_.integer(0);
  out.import_id = versions_.integer(1);
  out.replaces = versions_.optional_integer(2);
  StoredPupil& p = out.pupil;
  assign(p.id, versions_.view(3));
  assign(p.upn, versions_.view(4));
  assign(p.name, versions_.view(5));
  assign(p.attributes, versions_.view(6));
  assign(p.marks_first, versions_.view(7));
  if (const SqlView marks = versions_.view(8); marks.type == SqlView::Type::null) {
    p.marks.reset();
  } else {
    assign(p.marks ? *p.marks : p.marks.emplace(), marks);
  }
  assign(out.digest, versions_.view(9));
  std::size_t records = 0;
  while (has_record_) {
    const std::int64_t owner = records_.integer(0);
    if (skip_orphans_ && owner < out.id) {
      ++orphans_;
      has_record_ = records_.step();
      continue;
    }
    if (owner != out.id) break;
    if (records == p.records.size()) p.records.emplace_back();
    StoredRecord& r = p.records[records++];
    assign(r.kind, records_.view(1));
    assign(r.record_id, records_.view(2));
    assign(r.anchor, records_.view(3));
    assign(r.end_date, records_.view(4));
    assign(r.fields, records_.view(5));
    has_record_ = records_.step();
  }
  p.records.resize(records);
  return true;
}

}  // namespace waymark::store::detail
