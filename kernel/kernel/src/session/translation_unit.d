kernel/kernel/src/session/translation_unit.o: \
 kernel/src/session/translation_unit.c \
 kernel/src/session/session_internal.h kernel/src/frontend/cell.h \
 kernel/src/runtime/jit.h kernel/src/session/session.h \
 kernel/src/util/text.h
kernel/src/session/session_internal.h:
kernel/src/frontend/cell.h:
kernel/src/runtime/jit.h:
kernel/src/session/session.h:
kernel/src/util/text.h:
