# SPDX-License-Identifier: BSD-3-Clause
# Sanitizers are applied per target (never as global flags) so the
# configure-time generator and third-party code stay untouched.

# PYNAMIC_SANITIZER_COMPILE_OPTIONS: what pynamic_apply_sanitizers adds to
# a target's compile options (empty without sanitizers); the reports name
# the generated libraries' flags with it (PynamicGeneratedLibraries.cmake).
set(PYNAMIC_SANITIZER_COMPILE_OPTIONS "")
if(PYNAMIC_SANITIZERS)
  list(JOIN PYNAMIC_SANITIZERS "," _pyn_sanitizer_list)
  set(PYNAMIC_SANITIZER_COMPILE_OPTIONS -fsanitize=${_pyn_sanitizer_list} -fno-omit-frame-pointer
                                        -fno-sanitize-recover=all)
endif()

function(pynamic_apply_sanitizers target)
  if(PYNAMIC_SANITIZERS)
    list(JOIN PYNAMIC_SANITIZERS "," _list)
    target_compile_options(${target} PRIVATE ${PYNAMIC_SANITIZER_COMPILE_OPTIONS})
    target_link_options(${target} PRIVATE -fsanitize=${_list})
  endif()
endfunction()
