kernel/kernel/src/util/log.o: kernel/src/util/log.c kernel/src/util/log.h
kernel/src/util/log.h:
