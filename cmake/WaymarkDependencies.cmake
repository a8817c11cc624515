# Every dependency comes from a Debian 12 package; scripts/setup installs them.
find_package(Boost 1.74 REQUIRED)                     # libboost-dev: Spirit X3 (header-only)
find_package(yaml-cpp REQUIRED)                       # libyaml-cpp-dev
find_package(SQLite3 REQUIRED)                        # libsqlite3-dev
find_package(OpenSSL REQUIRED COMPONENTS Crypto SSL)  # libssl-dev: SHA-256, scrypt, and the server's TLS
find_package(CLI11 REQUIRED)                          # libcli11-dev: argument parsing
find_package(nlohmann_json 3.10 REQUIRED)             # nlohmann-json3-dev: JSON output
find_package(Threads REQUIRED)
# libcpp-httplib-dev: the server's HTTP(S). Debian ships it compiled (with OpenSSL, zlib and brotli);
# its pkg-config flags carry the matching CPPHTTPLIB_* definitions, which the class layouts depend on.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
# libzstd-dev: a stored run's flag texts, compressed against the run's dictionary (docs/store.md).
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd>=1.4)

# yaml-cpp 0.7 (Debian 12) exports `yaml-cpp`; 0.8 exports `yaml-cpp::yaml-cpp`.
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp INTERFACE IMPORTED)
  target_link_libraries(yaml-cpp::yaml-cpp INTERFACE yaml-cpp)
endif()
