kernel/libseli/src/core/text.o: libseli/src/core/text.c \
 libseli/src/core/text.h libseli/src/core/internal.h \
 libseli/include/seli.h libseli/include/seli/error.h \
 libseli/include/seli/scope.h libseli/include/seli/tensor.h \
 libseli/include/seli/ops.h libseli/include/seli/fused.h \
 libseli/include/seli/autodiff.h libseli/include/seli/random.h \
 libseli/include/seli/display.h libseli/include/seli/figure.h \
 libseli/include/seli/progress.h libseli/include/seli/module.h \
 libseli/include/seli/random.h libseli/include/seli/net.h \
 libseli/include/seli/module.h libseli/include/seli/loss.h \
 libseli/include/seli/optim.h libseli/include/seli/loss.h \
 libseli/include/seli/save.h libseli/include/seli/show.h \
 libseli/include/seli/figure.h libseli/include/seli/tensor.h \
 libseli/include/seli/version.h
libseli/src/core/text.h:
libseli/src/core/internal.h:
libseli/include/seli.h:
libseli/include/seli/error.h:
libseli/include/seli/scope.h:
libseli/include/seli/tensor.h:
libseli/include/seli/ops.h:
libseli/include/seli/fused.h:
libseli/include/seli/autodiff.h:
libseli/include/seli/random.h:
libseli/include/seli/display.h:
libseli/include/seli/figure.h:
libseli/include/seli/progress.h:
libseli/include/seli/module.h:
libseli/include/seli/random.h:
libseli/include/seli/net.h:
libseli/include/seli/module.h:
libseli/include/seli/loss.h:
libseli/include/seli/optim.h:
libseli/include/seli/loss.h:
libseli/include/seli/save.h:
libseli/include/seli/show.h:
libseli/include/seli/figure.h:
libseli/include/seli/tensor.h:
libseli/include/seli/version.h:
