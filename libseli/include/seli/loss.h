/* seli/loss.h: losses, as plain functions of tensors and as loss functions
 * for seli_minimize.
 *
 * A loss function takes the model, n input tensors and a context pointer and
 * returns a scalar tensor computed from the model's output; any C function of
 * that type is a loss.  The built-in ones take the target first and the
 * model's inputs after it, as seli does (the Python/JAX library of the
 * paper "Inferring Probabilistic Sampling Procedures from Observational
 * Data using General Function Approximation", which libseli follows):
 *
 *     float l = seli_minimize_v(opt, seli_loss_mse, model, y, x); // mse(model(x), y)
 */
#ifndef SELI_LOSS_H
#define SELI_LOSS_H

#include "seli/module.h"

typedef struct seli_tensor seli_tensor;

/* A loss: model and n inputs (with ctx for anything else) -> a scalar tensor
 * in the current scope. */
typedef seli_tensor *(*seli_loss_fn)(seli_module *model, int n, seli_tensor *const *inputs,
                                     void *ctx);

/* --- on tensors: each returns a scalar [] in the current scope --- */

/* Mean squared error mean((pred - target)^2).  pred and target have the same
 * shape, the same number of elements (pred [64, 1] against target [64] is
 * read as [64]), or target broadcasts to pred's shape. */
seli_tensor *seli_mse(const seli_tensor *pred, const seli_tensor *target);
/* Mean absolute error mean(|pred - target|); shapes as for seli_mse. */
seli_tensor *seli_mae(const seli_tensor *pred, const seli_tensor *target);
/* Binary cross-entropy of logits z against labels y in [0, 1]:
 * mean(softplus(z) - y z), which equals -mean(y log sigmoid(z) + (1 - y)
 * log(1 - sigmoid(z))) and stays finite for any z; shapes as for seli_mse. */
seli_tensor *seli_bce_logits(const seli_tensor *logits, const seli_tensor *labels);

/* --- loss functions: inputs are (target, model inputs...) --- */

/* seli_mse(model(inputs[1..n-1]), inputs[0]). */
seli_tensor *seli_loss_mse(seli_module *model, int n, seli_tensor *const *inputs, void *ctx);
/* seli_mae(model(inputs[1..n-1]), inputs[0]). */
seli_tensor *seli_loss_mae(seli_module *model, int n, seli_tensor *const *inputs, void *ctx);
/* seli_bce_logits(model(inputs[1..n-1]), inputs[0]): the model outputs logits. */
seli_tensor *seli_loss_bce_logits(seli_module *model, int n, seli_tensor *const *inputs, void *ctx);

#endif
