# Helpers that give every first-party target the same warnings and include root. Generated
# protobuf code is compiled without them (it does not survive -Wconversion).
set(FPGW_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)

# fpgw_library(NAME SOURCES a.cc ... DEPS x y)
function(fpgw_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${FPGW_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# fpgw_vendor_extension(NAME SOURCES a.cc ... DEPS x y): a vendor's adapter library, linked by the
# vendor registry (src/vendors/CMakeLists.txt) without being named there.
function(fpgw_vendor_extension name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  fpgw_library(${name} SOURCES ${ARG_SOURCES} DEPS ${ARG_DEPS})
  set_property(GLOBAL APPEND PROPERTY FPGW_VENDOR_EXTENSIONS ${name})
endfunction()

# fpgw_test(NAME SOURCES a_test.cc ... DEPS x y [LABELS l] [VENDOR_REFERENCE])
# VENDOR_REFERENCE: the binary also holds suites named `*VendorReference`, which read the vendors'
# published reference (tests/testing/vendor_reference.h). They become a CTest entry of their own,
# NAME_vendor_reference (label vendor_reference), reported as skipped when the folder is absent.
function(fpgw_test name)
  cmake_parse_arguments(ARG "VENDOR_REFERENCE" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_options(${name} PRIVATE ${FPGW_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  set(environment "FPGW_TESTDATA=${PROJECT_SOURCE_DIR}/tests/testdata"
                  "FPGW_VENDOR_REFERENCE_DIR=${FPGW_VENDOR_REFERENCE_DIR}")
  if(ARG_VENDOR_REFERENCE)
    add_test(NAME ${name} COMMAND ${name} --gtest_filter=-*VendorReference.*)
    add_test(NAME ${name}_vendor_reference COMMAND ${name} --gtest_filter=*VendorReference.*)
    set_tests_properties(${name}_vendor_reference PROPERTIES
      LABELS "${ARG_LABELS};vendor_reference" TIMEOUT 300 ENVIRONMENT "${environment}"
      SKIP_REGULAR_EXPRESSION "FPGW_VENDOR_REFERENCE_ABSENT")
  else()
    add_test(NAME ${name} COMMAND ${name})
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 300
    ENVIRONMENT "${environment}")
endfunction()
