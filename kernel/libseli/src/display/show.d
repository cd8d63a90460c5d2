kernel/libseli/src/display/show.o: libseli/src/display/show.c \
 libseli/include/seli/show.h libseli/include/seli/figure.h \
 libseli/include/seli/module.h libseli/include/seli/random.h \
 libseli/include/seli/tensor.h libseli/include/seli/display.h
libseli/include/seli/show.h:
libseli/include/seli/figure.h:
libseli/include/seli/module.h:
libseli/include/seli/random.h:
libseli/include/seli/tensor.h:
libseli/include/seli/display.h:
