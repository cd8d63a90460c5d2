kernel/kernel/src/runtime/debuginfo.o: kernel/src/runtime/debuginfo.c \
 kernel/src/runtime/debuginfo.h kernel/src/runtime/jit.h
kernel/src/runtime/debuginfo.h:
kernel/src/runtime/jit.h:
