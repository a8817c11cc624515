# WAYMARK_SANITIZE builds everything with ASan and UBSan; CI runs the tests that way too.
if(WAYMARK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
