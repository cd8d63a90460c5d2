/* loss.c: mean squared error, mean absolute error and binary cross-entropy
 * on logits (see seli/loss.h).  Each is made of differentiable operations, so
 * gradients of any order flow through it. */
#include <stddef.h>

#include "core/internal.h"

/* pred and target as two tensors of one shape, or target broadcasting to
 * pred: returns the pred to use (reshaped when only the sizes agree). */
static const seli_tensor *align(const char *op, const seli_tensor *pred, const seli_tensor *target)
{
    seli__check(op, pred, "pred");
    seli__check(op, target, "target");
    if (seli_same_shape(pred, target))
        return pred;
    if (pred->size == target->size)
        return seli_reshape(pred, target->ndim, target->shape);
    int ok = target->ndim <= pred->ndim;
    for (int i = 1; ok && i <= target->ndim; i++) {
        long t = target->shape[target->ndim - i], p = pred->shape[pred->ndim - i];
        ok = t == p || t == 1;
    }
    if (!ok)
        seli_error("%s: the prediction has shape %s but the target has shape %s; they must have "
                   "the same number of elements, or the target must broadcast to the prediction "
                   "(is the target passed first and the model's input second?)",
                   op, seli__shape(pred), seli__shape(target));
    return pred;
}

seli_tensor *seli_mse(const seli_tensor *pred, const seli_tensor *target)
{
    pred = align("seli_mse", pred, target);
    return seli_mean_all(seli_square(seli_sub(pred, target)));
}

seli_tensor *seli_mae(const seli_tensor *pred, const seli_tensor *target)
{
    pred = align("seli_mae", pred, target);
    return seli_mean_all(seli_abs(seli_sub(pred, target)));
}

/* -[y log s(z) + (1 - y) log(1 - s(z))] = softplus(z) - y z, with softplus
 * computed stably, so large |z| neither overflows nor loses the gradient
 * s(z) - y. */
seli_tensor *seli_bce_logits(const seli_tensor *logits, const seli_tensor *labels)
{
    logits = align("seli_bce_logits", logits, labels);
    return seli_mean_all(seli_sub(seli_softplus(logits), seli_mul(labels, logits)));
}

/* model(inputs[1..n-1]) after checking the (target, inputs...) convention. */
static seli_tensor *predict(const char *op, seli_module *model, int n, seli_tensor *const *inputs)
{
    if (!model)
        seli_error("%s: the model is NULL (create a module first, e.g. with seli_module_new or a "
                   "seli_net_* constructor)",
                   op);
    if (n < 2 || !inputs)
        seli_error("%s: needs the target and then the model's inputs (got %d tensors), e.g. "
                   "seli_minimize_v(opt, %s, model, y, x)",
                   op, n, op);
    return seli_calln(model, n - 1, inputs + 1);
}

seli_tensor *seli_loss_mse(seli_module *model, int n, seli_tensor *const *inputs, void *ctx)
{
    seli_tensor *pred = predict("seli_loss_mse", model, n, inputs);
    return seli_mse(pred, inputs[0]);
}

seli_tensor *seli_loss_mae(seli_module *model, int n, seli_tensor *const *inputs, void *ctx)
{
    seli_tensor *pred = predict("seli_loss_mae", model, n, inputs);
    return seli_mae(pred, inputs[0]);
}

seli_tensor *seli_loss_bce_logits(seli_module *model, int n, seli_tensor *const *inputs, void *ctx)
{
    seli_tensor *logits = predict("seli_loss_bce_logits", model, n, inputs);
    return seli_bce_logits(logits, inputs[0]);
}
