# libFuzzer targets for the case loaders (engine/): YAML case files and the CSV form, included from
# tests/fuzz/CMakeLists.txt. Run them like the others: scripts/fuzz cases_yaml 600, scripts/fuzz cases_csv 600
# (corpora in tests/fuzz/corpus/cases_yaml/ and cases_csv/; a CSV input is pupils, records and
# attendance joined by NUL bytes).
# They link the engine library itself, which scripts/fuzz builds with clang, coverage and the
# sanitizers like every library: a hand-kept list of sources went stale as files were split.
foreach(name cases_yaml cases_csv)
  waymark_fuzz_target(${name} waymark_engine)
  target_compile_definitions(fuzz_${name} PRIVATE WAYMARK_SOURCE_ROOT="${PROJECT_SOURCE_DIR}")
endforeach()
