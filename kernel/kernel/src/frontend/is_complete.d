kernel/kernel/src/frontend/is_complete.o: \
 kernel/src/frontend/is_complete.c kernel/src/frontend/cell.h \
 kernel/src/frontend/lexer.h kernel/src/util/text.h
kernel/src/frontend/cell.h:
kernel/src/frontend/lexer.h:
kernel/src/util/text.h:
