kernel/kernel/src/runtime/guard.o: kernel/src/runtime/guard.c \
 kernel/src/runtime/guard.h kernel/src/runtime/backtrace.h \
 kernel/src/runtime/heapcheck.h kernel/src/runtime/jit.h \
 kernel/src/util/clock.h kernel/src/util/log.h kernel/src/util/thread.h \
 libseli/include/seli/error.h
kernel/src/runtime/guard.h:
kernel/src/runtime/backtrace.h:
kernel/src/runtime/heapcheck.h:
kernel/src/runtime/jit.h:
kernel/src/util/clock.h:
kernel/src/util/log.h:
kernel/src/util/thread.h:
libseli/include/seli/error.h:
