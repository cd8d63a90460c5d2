kernel/kernel/src/util/utf8.o: kernel/src/util/utf8.c \
 kernel/src/util/utf8.h
kernel/src/util/utf8.h:
