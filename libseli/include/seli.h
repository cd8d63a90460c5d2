/* seli.h: the one public header of libseli.
 *
 * libseli is a small library for neural networks and generative models:
 * float32 tensors, reverse-mode autodiff of any order, modules with lazy
 * parameters, optimizers, .npz save and load, and SVG figures.
 * Link with -lseli (pkg-config --cflags --libs seli). */
#ifndef SELI_H
#define SELI_H

#include "seli/error.h"
#include "seli/scope.h"
#include "seli/tensor.h"
#include "seli/ops.h"
#include "seli/einops.h"
#include "seli/fused.h"
#include "seli/autodiff.h"
#include "seli/random.h"
#include "seli/display.h"
#include "seli/figure.h"
#include "seli/progress.h"
#include "seli/module.h"
#include "seli/net.h"
#include "seli/loss.h"
#include "seli/optim.h"
#include "seli/save.h"
#include "seli/show.h"
#include "seli/check.h"
#include "seli/subnormals.h"
#include "seli/version.h"

#endif
