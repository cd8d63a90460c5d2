kernel/kernel/src/introspection/inspect.o: \
 kernel/src/introspection/inspect.c kernel/src/frontend/lexer.h \
 kernel/src/util/text.h kernel/src/session/session_internal.h \
 kernel/src/frontend/cell.h kernel/src/runtime/jit.h \
 kernel/src/session/session.h
kernel/src/frontend/lexer.h:
kernel/src/util/text.h:
kernel/src/session/session_internal.h:
kernel/src/frontend/cell.h:
kernel/src/runtime/jit.h:
kernel/src/session/session.h:
