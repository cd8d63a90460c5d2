kernel/kernel/src/util/fail.o: kernel/src/util/fail.c \
 kernel/src/util/fail.h
kernel/src/util/fail.h:
