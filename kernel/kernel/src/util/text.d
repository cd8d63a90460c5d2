kernel/kernel/src/util/text.o: kernel/src/util/text.c \
 kernel/src/util/text.h
kernel/src/util/text.h:
