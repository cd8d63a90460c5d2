kernel/kernel/src/frontend/lexer.o: kernel/src/frontend/lexer.c \
 kernel/src/frontend/cell.h kernel/src/frontend/lexer.h \
 kernel/src/util/text.h
kernel/src/frontend/cell.h:
kernel/src/frontend/lexer.h:
kernel/src/util/text.h:
