kernel/kernel/src/frontend/cell.o: kernel/src/frontend/cell.c \
 kernel/src/frontend/cell.h kernel/src/frontend/lexer.h \
 kernel/src/util/text.h
kernel/src/frontend/cell.h:
kernel/src/frontend/lexer.h:
kernel/src/util/text.h:
