// UPN validation and redaction (case-records.md §5, statutory-facts.md §6): the worked examples.
#include <gtest/gtest.h>

#include "waymark/engine/upn.hpp"

namespace waymark::engine {
namespace {

TEST(Upn, AcceptsTheWorkedExamples) {
  // 2x8+4x1+5x2+10x5+13x1 = 93; 93 mod 23 = 1 -> B.
  EXPECT_EQ(upn_check_letter("B801200005001"), 'B');
  EXPECT_EQ(check_upn("B801200005001"), UpnProblem::none);
  // Sum 153 -> 15 -> R.
  EXPECT_EQ(check_upn("R674123101121"), UpnProblem::none);
  // The spec's own example pupil: 16+4+10+8+9+13 = 60; 60 mod 23 = 14 -> Q.
  EXPECT_EQ(check_upn("Q801200110001"), UpnProblem::none);
}

TEST(Upn, AcceptsATemporaryUpnWithItsFinalLetterCounted) {
  // A counts 0: sum 135 -> 20 -> X.
  EXPECT_EQ(upn_check_letter("X00180001701A"), 'X');
  EXPECT_EQ(check_upn("X00180001701A"), UpnProblem::none);
  EXPECT_TRUE(is_temporary_upn("X00180001701A"));
  EXPECT_FALSE(is_temporary_upn("B801200005001"));
}

TEST(Upn, RejectsAWrongCheckLetter) {
  EXPECT_EQ(check_upn("A801200005001"), UpnProblem::check_letter);
  // Juniper's help page says Q; the sum is 4+28+9+60+48+117 = 266, 266 mod 23 = 13 -> P.
  EXPECT_EQ(upn_check_letter("B207000016049"), 'P');
  EXPECT_EQ(check_upn("B207000016049"), UpnProblem::check_letter);
  EXPECT_EQ(check_upn("Q207000016049"), UpnProblem::check_letter);
  EXPECT_EQ(check_upn("P207000016049"), UpnProblem::none);
}

TEST(Upn, RejectsBadLengthAndCharacters) {
  EXPECT_EQ(check_upn(""), UpnProblem::length);
  EXPECT_EQ(check_upn("B80120000500"), UpnProblem::length);
  EXPECT_EQ(check_upn("B8012000050011"), UpnProblem::length);
  EXPECT_EQ(check_upn("b801200005001"), UpnProblem::characters);  // lower case is not in the table
  EXPECT_EQ(check_upn("I801200005001"), UpnProblem::characters);  // I, O and S are never check letters
  EXPECT_EQ(check_upn("B80120000500I"), UpnProblem::characters);  // nor final letters
  EXPECT_EQ(check_upn("B8012000A5001"), UpnProblem::characters);  // a letter only in the last place
  EXPECT_EQ(check_upn("B801200005 01"), UpnProblem::characters);
}

TEST(Upn, RedactsToFourCharactersAndNineStars) {
  EXPECT_EQ(redact_upn("B801200005001"), "B801*********");
  EXPECT_EQ(redact_upn("X00180001701A"), "X001*********");
}

}  // namespace
}  // namespace waymark::engine
