kernel/kernel/src/runtime/backtrace.o: kernel/src/runtime/backtrace.c \
 kernel/src/runtime/backtrace.h
kernel/src/runtime/backtrace.h:
