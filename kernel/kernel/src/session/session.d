kernel/kernel/src/session/session.o: kernel/src/session/session.c \
 kernel/src/session/session_internal.h kernel/src/frontend/cell.h \
 kernel/src/runtime/jit.h kernel/src/session/session.h \
 kernel/src/util/text.h kernel/src/runtime/guard.h libseli/include/seli.h \
 libseli/include/seli/error.h libseli/include/seli/scope.h \
 libseli/include/seli/tensor.h libseli/include/seli/ops.h \
 libseli/include/seli/fused.h libseli/include/seli/autodiff.h \
 libseli/include/seli/random.h libseli/include/seli/display.h \
 libseli/include/seli/figure.h libseli/include/seli/progress.h \
 libseli/include/seli/module.h libseli/include/seli/random.h \
 libseli/include/seli/net.h libseli/include/seli/module.h \
 libseli/include/seli/loss.h libseli/include/seli/optim.h \
 libseli/include/seli/loss.h libseli/include/seli/save.h \
 libseli/include/seli/show.h libseli/include/seli/figure.h \
 libseli/include/seli/tensor.h libseli/include/seli/version.h \
 kernel/src/session/traceback.h kernel/src/runtime/backtrace.h \
 kernel/src/util/clock.h
kernel/src/session/session_internal.h:
kernel/src/frontend/cell.h:
kernel/src/runtime/jit.h:
kernel/src/session/session.h:
kernel/src/util/text.h:
kernel/src/runtime/guard.h:
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
kernel/src/session/traceback.h:
kernel/src/runtime/backtrace.h:
kernel/src/util/clock.h:
