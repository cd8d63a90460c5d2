kernel/kernel/src/session/traceback.o: kernel/src/session/traceback.c \
 kernel/src/session/traceback.h kernel/src/runtime/backtrace.h \
 kernel/src/session/session.h kernel/src/runtime/jit.h \
 kernel/src/util/text.h kernel/src/session/session_internal.h \
 kernel/src/frontend/cell.h kernel/src/runtime/debuginfo.h
kernel/src/session/traceback.h:
kernel/src/runtime/backtrace.h:
kernel/src/session/session.h:
kernel/src/runtime/jit.h:
kernel/src/util/text.h:
kernel/src/session/session_internal.h:
kernel/src/frontend/cell.h:
kernel/src/runtime/debuginfo.h:
