# libFuzzer targets for the case loaders (engine/): YAML case files and the CSV form, included from
# tests/fuzz/CMakeLists.txt. Run them like the others: scripts/fuzz cases_yaml 600, scripts/fuzz cases_csv 600
# (corpora in tests/fuzz/corpus/cases_yaml/ and cases_csv/; a CSV input is pupils, records and
# attendance joined by NUL bytes).
# The loaders and the parts of the front end they use are compiled here from their sources, as
# fuzz_parse does, so these targets build with clang whatever the rest of the libraries do.
set(dsl_src ${PROJECT_SOURCE_DIR}/dsl/src)
set(engine_src ${PROJECT_SOURCE_DIR}/engine/src)
add_library(waymark_fuzz_loaders STATIC
  ${dsl_src}/source.cpp ${dsl_src}/diagnostic.cpp ${dsl_src}/date.cpp ${dsl_src}/rational.cpp
  ${dsl_src}/keywords.cpp ${dsl_src}/vocabulary.cpp ${dsl_src}/yaml_document.cpp
  ${engine_src}/record.cpp ${engine_src}/pupil.cpp ${engine_src}/upn.cpp ${engine_src}/attendance.cpp
  ${engine_src}/calendar.cpp ${engine_src}/value_text.cpp ${engine_src}/case_building.cpp
  ${engine_src}/case_yaml.cpp ${engine_src}/case_csv.cpp ${engine_src}/csv_reader.cpp ${engine_src}/case_loader.cpp)
target_include_directories(waymark_fuzz_loaders
  PUBLIC ${PROJECT_SOURCE_DIR}/dsl/include ${PROJECT_SOURCE_DIR}/engine/include PRIVATE ${dsl_src} ${engine_src})
target_link_libraries(waymark_fuzz_loaders PRIVATE yaml-cpp::yaml-cpp nlohmann_json::nlohmann_json waymark_warnings)

if(NOT COMMAND waymark_fuzz_target)
  function(waymark_fuzz_target name)
    add_executable(fuzz_${name} ${CMAKE_CURRENT_LIST_DIR}/fuzz_${name}.cpp)
    target_link_libraries(fuzz_${name} PRIVATE ${ARGN} waymark_warnings)
    target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  endfunction()
endif()
foreach(name cases_yaml cases_csv)
  waymark_fuzz_target(${name} waymark_fuzz_loaders)
  target_compile_definitions(fuzz_${name} PRIVATE WAYMARK_SOURCE_ROOT="${PROJECT_SOURCE_DIR}")
endforeach()
