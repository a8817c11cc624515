#pragma once
// Unique Pupil Numbers (case-records.md §5, statutory-facts.md §6): validation and redaction.
// A UPN is personal data: never put one in a message or a log.

#include <optional>
#include <string>
#include <string_view>

namespace waymark::engine {

/// What is wrong with a UPN, if anything.
enum class UpnProblem { none, length, characters, check_letter };

/// The DfE check letter for the 12 characters after it (positions 2-13), or nothing when they are not
/// 11 digits followed by a digit or a check-table letter.
std::optional<char> upn_check_letter(std::string_view upn);
/// Checks a UPN's length, characters and check letter; a temporary UPN (final letter) is valid when its check letter is.
UpnProblem check_upn(std::string_view upn);
/// True for a temporary UPN (a letter in the last place).
bool is_temporary_upn(std::string_view upn);
/// Plain-English advice for a problem, without the UPN itself.
std::string_view describe(UpnProblem problem);
/// The form printed under `--redact`: the first four characters, then `*********`.
std::string redact_upn(std::string_view upn);

}  // namespace waymark::engine
