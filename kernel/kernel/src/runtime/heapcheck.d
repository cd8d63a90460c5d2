kernel/kernel/src/runtime/heapcheck.o: kernel/src/runtime/heapcheck.c \
 kernel/src/runtime/heapcheck.h kernel/src/util/deadline.h \
 kernel/src/util/thread.h
kernel/src/runtime/heapcheck.h:
kernel/src/util/deadline.h:
kernel/src/util/thread.h:
