kernel/kernel/src/frontend/visible.o: kernel/src/frontend/visible.c \
 kernel/src/frontend/visible.h kernel/src/frontend/cell.h \
 kernel/src/util/text.h kernel/src/frontend/lexer.h
kernel/src/frontend/visible.h:
kernel/src/frontend/cell.h:
kernel/src/util/text.h:
kernel/src/frontend/lexer.h:
