// dsl::printable (issue 10.6): what data may not do to a terminal, each class of control by hand.
#include "waymark/dsl/printable.hpp"

#include <gtest/gtest.h>

namespace waymark::dsl {
namespace {

TEST(Printable, OrdinaryTextInAnyScriptIsUnchanged) {
  EXPECT_EQ(printable("P-0042 Zoë Ørsted, 学校"), "P-0042 Zoë Ørsted, 学校");
  EXPECT_TRUE(is_printable("Zoë"));
}

TEST(Printable, C0ControlsAndDeleteBecomeHexEscapes) {
  // ESC is 0x1B, BEL 0x07, CR 0x0D, LF 0x0A, TAB 0x09, DEL 0x7F.
  EXPECT_EQ(printable("a\x1b[2Jb"), "a\\x1B[2Jb");
  EXPECT_EQ(printable("\x1b]0;title\a"), "\\x1B]0;title\\x07");
  EXPECT_EQ(printable("one\rtwo\nthree\tfour\x7f"), "one\\x0Dtwo\\x0Athree\\x09four\\x7F");
  EXPECT_EQ(printable(std::string_view("nul\0!", 5)), "nul\\x00!");
  EXPECT_FALSE(is_printable("a\x1b"));
}

TEST(Printable, TabsMayBeKeptForSourceLines) {
  EXPECT_EQ(printable("\tx\x1b", true), "\tx\\x1B");
  EXPECT_TRUE(is_printable("\tx", true));
}

TEST(Printable, C1ControlsAndBidiOverridesBecomeCodePoints) {
  // U+009B (CSI, C2 9B) acts as ESC [ on some terminals; U+202E reverses the text after it.
  EXPECT_EQ(printable("\xC2\x9B" "2J"), "\\u{009B}2J");
  EXPECT_EQ(printable("abc\xE2\x80\xAE" "fed"), "abc\\u{202E}fed");
  EXPECT_EQ(printable("\xE2\x81\xA6x"), "\\u{2066}x");  // U+2066 LEFT-TO-RIGHT ISOLATE
}

TEST(Printable, BytesThatAreNotUtf8BecomeHexEscapes) {
  EXPECT_EQ(printable("\xFF"), "\\xFF");
  EXPECT_EQ(printable("\xC0\xAF"), "\\xC0\\xAF");  // an overlong '/'
  EXPECT_EQ(printable("\xE2\x80"), "\\xE2\\x80");  // cut short
  EXPECT_EQ(printable("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a UTF-16 surrogate
}

}  // namespace
}  // namespace waymark::dsl
