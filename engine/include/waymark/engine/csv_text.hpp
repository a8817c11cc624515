#pragma once
// Writing CSV (RFC 4180), shared by the CSV report and `waymark gen`.

#include <string>
#include <string_view>

namespace waymark::engine {

/// A CSV field: quoted when it holds a comma, a quote or a line break, with quotes doubled.
std::string csv_field(std::string_view text);

}  // namespace waymark::engine
