kernel/kernel/src/runtime/jit.o: kernel/src/runtime/jit.c \
 kernel/src/runtime/jit.h kernel/src/runtime/backtrace.h \
 kernel/src/util/file.h
kernel/src/runtime/jit.h:
kernel/src/runtime/backtrace.h:
kernel/src/util/file.h:
