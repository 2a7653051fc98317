# Sanitizers are applied per target (never as global flags) so the
# configure-time generator and third-party code stay untouched.

function(pynamic_apply_sanitizers target)
  if(PYNAMIC_SANITIZERS)
    list(JOIN PYNAMIC_SANITIZERS "," _list)
    target_compile_options(${target} PRIVATE -fsanitize=${_list} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${_list})
  endif()
endfunction()
