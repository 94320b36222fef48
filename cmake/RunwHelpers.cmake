# runw_add_library(NAME SOURCES... [DEPS ...]) declares one layer under src/ with
# the project's warning set. Layers link only to the layers below them.
function(runw_apply_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wimplicit-fallthrough
                                           -Wnon-virtual-dtor -Wno-missing-field-initializers)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 at -O3 reports -Wrestrict inside libstdc++'s std::string concatenation
    # (GCC bug 105329), a false positive in the library, not in our code.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(RUNW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(runw_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  runw_apply_warnings(${name})
endfunction()
