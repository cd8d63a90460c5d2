kernel/libseli/src/core/version.o: libseli/src/core/version.c \
 libseli/include/seli/version.h
libseli/include/seli/version.h:
