kernel/kernel/src/session/docs.o: kernel/src/session/docs.c \
 kernel/src/session/session_internal.h kernel/src/frontend/cell.h \
 kernel/src/runtime/jit.h kernel/src/session/session.h \
 kernel/src/util/text.h kernel/src/util/file.h
kernel/src/session/session_internal.h:
kernel/src/frontend/cell.h:
kernel/src/runtime/jit.h:
kernel/src/session/session.h:
kernel/src/util/text.h:
kernel/src/util/file.h:
