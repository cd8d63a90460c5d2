kernel/kernel/src/util/file.o: kernel/src/util/file.c \
 kernel/src/util/file.h
kernel/src/util/file.h:
