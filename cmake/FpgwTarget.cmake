# Helpers that give every first-party target the same warnings and its layer's include root.
# Generated protobuf code is compiled without them (it does not survive -Wconversion).
set(FPGW_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)

# The include root of the src/ folder being configured: a directory in the build tree that holds
# only this folder's headers (symlinked, under their usual path, e.g. vendors/common/backend.h).
# A library exposes its folder's root to the targets that link it, and nothing else: a header of a
# folder that is not among a target's (transitive public) dependencies cannot be included, so a
# lower layer including a higher one fails to compile.
function(fpgw_folder_include_root out)
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR})
  string(REPLACE "/" "_" key "${rel}")
  set(root ${CMAKE_BINARY_DIR}/include_roots/${key})
  file(GLOB headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
       ${CMAKE_CURRENT_SOURCE_DIR}/*.h)
  file(MAKE_DIRECTORY ${root}/${rel})
  foreach(header IN LISTS headers)
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/${header} ${root}/${rel}/${header} SYMBOLIC)
  endforeach()
  set(${out} ${root} PARENT_SCOPE)
endfunction()

# fpgw_library(NAME SOURCES a.cc ... [PUBLIC_DEPS x ...] [DEPS y ...])
# PUBLIC_DEPS: what the library's headers include; DEPS: what only its sources use.
function(fpgw_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  fpgw_folder_include_root(root)
  target_include_directories(${name} PUBLIC ${root})
  target_compile_options(${name} PRIVATE ${FPGW_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_DEPS})
endfunction()

# fpgw_vendor_extension(NAME SOURCES a.cc ... [PUBLIC_DEPS x ...] [DEPS y ...]): a vendor's
# adapter library, linked by the vendor registry (src/vendors/CMakeLists.txt) without being named
# there.
function(fpgw_vendor_extension name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;DEPS" ${ARGN})
  fpgw_library(${name} SOURCES ${ARG_SOURCES} PUBLIC_DEPS ${ARG_PUBLIC_DEPS} DEPS ${ARG_DEPS})
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
