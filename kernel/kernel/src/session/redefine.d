kernel/kernel/src/session/redefine.o: kernel/src/session/redefine.c \
 kernel/src/session/session_internal.h kernel/src/frontend/cell.h \
 kernel/src/runtime/jit.h kernel/src/session/session.h \
 kernel/src/util/text.h
kernel/src/session/session_internal.h:
kernel/src/frontend/cell.h:
kernel/src/runtime/jit.h:
kernel/src/session/session.h:
kernel/src/util/text.h:
