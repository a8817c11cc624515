// LineBlocks (engine/src/line_blocks.hpp) reads a byte range of a file in blocks of whole lines through
// one buffer: the blocks must be exactly the range, cut only after a line feed, and a file that is
// not what it was (shorter, or one endless line) must stop it rather than hand out part of a line.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "line_blocks.hpp"

namespace waymark::engine::detail {
namespace {

namespace fs = std::filesystem;

// A file holding `text`, opened for reading; closed and removed with the fixture.
class LineBlocksTest : public ::testing::Test {
protected:
  int open_with(const std::string& text) {
    path_ = fs::temp_directory_path() / ("waymark-line-blocks-" + std::to_string(::getpid()) + ".txt");
    std::ofstream(path_, std::ios::binary) << text;
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    return fd_;
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) fs::remove(path_);
  }

private:
  fs::path path_;
  int fd_ = -1;
};

// Lines of 1 to 30 characters ("a", "bb", ...), so that block edges fall everywhere in a line.
std::string lines(int count, bool last_line_feed = true) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += std::string(static_cast<std::size_t>(i % 30 + 1), static_cast<char>('a' + i % 26));
    if (i + 1 < count || last_line_feed) out += '\n';
  }
  return out;
}

TEST_F(LineBlocksTest, BlocksOfWholeLinesMakeUpTheRangeExactly) {
  const std::string text = lines(500);
  const int fd = open_with(text);
  ASSERT_GE(fd, 0);
  for (const std::size_t block_bytes : {31u, 64u, 100u, 4096u, 100000u}) {
    LineBlocks blocks(fd, 0, text.size(), block_bytes);
    std::string joined;
    std::string_view block;
    while (blocks.next(block)) {
      ASSERT_FALSE(block.empty());
      EXPECT_EQ(block.back(), '\n') << block_bytes;  // every line here ends in a line feed
      EXPECT_LE(block.size(), block_bytes);
      joined += block;
    }
    EXPECT_FALSE(blocks.failed()) << block_bytes;
    EXPECT_EQ(joined, text) << block_bytes;
  }
}

TEST_F(LineBlocksTest, ARangeFromTheMiddleEndsWithTheFilesLastLineEvenWithoutALineFeed) {
  const std::string text = lines(200, /*last_line_feed=*/false);
  const int fd = open_with(text);
  ASSERT_GE(fd, 0);
  const std::size_t from = text.find('\n', text.size() / 2) + 1;  // a line start
  LineBlocks blocks(fd, from, text.size(), 40);
  std::string joined;
  std::string_view block;
  while (blocks.next(block)) joined += block;
  EXPECT_FALSE(blocks.failed());
  EXPECT_EQ(joined, text.substr(from));
  EXPECT_NE(joined.back(), '\n');
}

TEST_F(LineBlocksTest, ALineLongerThanABlockStopsIt) {
  const std::string text = "short\n" + std::string(100, 'x') + "\nshort\n";
  const int fd = open_with(text);
  ASSERT_GE(fd, 0);
  LineBlocks blocks(fd, 0, text.size(), 50);
  std::string_view block;
  ASSERT_TRUE(blocks.next(block));
  EXPECT_EQ(block, "short\n");
  EXPECT_FALSE(blocks.next(block));
  EXPECT_TRUE(blocks.failed());
}

TEST_F(LineBlocksTest, AFileShorterThanTheRangeStopsIt) {
  const std::string text = lines(50);
  const int fd = open_with(text);
  ASSERT_GE(fd, 0);
  // As if the file had been cut short after its size was taken.
  LineBlocks blocks(fd, 0, text.size() + 1000, 64);
  std::string_view block;
  std::size_t handed = 0;
  while (blocks.next(block)) handed += block.size();
  EXPECT_TRUE(blocks.failed());
  EXPECT_LE(handed, text.size());
}

TEST_F(LineBlocksTest, AnEmptyRangeHasNoBlock) {
  const int fd = open_with(lines(3));
  ASSERT_GE(fd, 0);
  LineBlocks blocks(fd, 4, 4);
  std::string_view block;
  EXPECT_FALSE(blocks.next(block));
  EXPECT_FALSE(blocks.failed());
}

}  // namespace
}  // namespace waymark::engine::detail
