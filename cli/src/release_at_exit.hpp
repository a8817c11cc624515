// Memory a command has finished with but need not give back block by block: the command ends soon
// after, and the process's pages go back to the system whole, far faster than a million small
// blocks are freed one at a time (compilers leave their syntax trees to the end of the process for
// the same reason). What is released here stays reachable, from a pointer that is never destroyed (a
// static holder would free it all at exit, the very cost being saved), so a leak checker such as the
// sanitizer build's does not count it as lost.
#pragma once

#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

namespace waymark::cli {

namespace detail {
inline void keep_until_exit(const void* what) {
  static std::mutex lock;
  static auto* kept = new std::vector<const void*>;
  const std::lock_guard<std::mutex> guard(lock);
  kept->push_back(what);
}
}  // namespace detail

/// Moves `what` where it lives until the process ends; its destructor is never run.
template <class T>
void release_at_exit(T&& what) {
  detail::keep_until_exit(new std::decay_t<T>(std::forward<T>(what)));
}

}  // namespace waymark::cli
