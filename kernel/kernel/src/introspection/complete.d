kernel/kernel/src/introspection/complete.o: \
 kernel/src/introspection/complete.c kernel/src/frontend/lexer.h \
 kernel/src/util/text.h kernel/src/frontend/visible.h \
 kernel/src/frontend/cell.h kernel/src/session/session_internal.h \
 kernel/src/runtime/jit.h kernel/src/session/session.h
kernel/src/frontend/lexer.h:
kernel/src/util/text.h:
kernel/src/frontend/visible.h:
kernel/src/frontend/cell.h:
kernel/src/session/session_internal.h:
kernel/src/runtime/jit.h:
kernel/src/session/session.h:
