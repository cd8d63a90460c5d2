kernel/kernel/src/frontend/conditional.o: \
 kernel/src/frontend/conditional.c kernel/src/frontend/cell.h \
 kernel/src/frontend/lexer.h kernel/src/util/text.h
kernel/src/frontend/cell.h:
kernel/src/frontend/lexer.h:
kernel/src/util/text.h:
