kernel/kernel/src/session/runtime.o: kernel/src/session/runtime.c \
 kernel/src/session/session_internal.h kernel/src/frontend/cell.h \
 kernel/src/runtime/jit.h kernel/src/session/session.h \
 kernel/src/util/text.h kernel/src/runtime/guard.h
kernel/src/session/session_internal.h:
kernel/src/frontend/cell.h:
kernel/src/runtime/jit.h:
kernel/src/session/session.h:
kernel/src/util/text.h:
kernel/src/runtime/guard.h:
