/* seli/optim.h: optimizers, one call per training step.
 *
 * An optimizer is a module (type "opt.Adam" and so on) holding its settings
 * as float attributes ("lr", "beta", "eps"...) and its state as buffers keyed
 * by parameter path ("m.layers.0.weight"), created the first time a
 * parameter gets a gradient.  So seli_save and seli_load keep its state, and
 * seli_set_float(opt, "lr", 1e-4) changes the learning rate between steps.
 * Free it with seli_module_free.
 *
 *     seli_module *opt = seli_opt_adam(1e-3);
 *     for (int i = 0; i < 1000; i++) {
 *         float loss = seli_minimize_v(opt, seli_loss_mse, model, y, x);
 *         ...
 *     }
 *
 * The update rules (g is the gradient of the loss at theta, eta the learning
 * rate) are the seed's code (seli==0.1.2, the Python/JAX library of the
 * paper "Inferring Probabilistic Sampling Procedures from Observational Data
 * using General Function Approximation"); tests/seed/ checks 100 steps of
 * each against it:
 *   SGD       theta -= eta g
 *   Momentum  v = beta v + eta g;  theta -= v
 *   Nesterov  v = beta v + g;  theta -= eta (beta v + (1 - beta) g)
 *             (the look-ahead of Nesterov's method folded into the step, with
 *             the gradient at theta itself; not the paper's g(theta - beta v))
 *   RMSProp   v = beta v + (1 - beta) g^2;  theta -= eta g / (sqrt(v) + eps)
 *   AdaGrad   s = s + g^2;  theta -= eta g / (sqrt(s) + eps)
 *   Adam      t += 1;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *             theta -= eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * The seed's defaults, for reference: SGD eta 1e-3; Momentum and Nesterov
 * eta 1e-3, beta 0.9; RMSProp eta 1e-3, beta 0.9; AdaGrad eta 0.01; Adam
 * eta 3e-4, b1 0.9, b2 0.999; eps 1e-8 everywhere (change it with
 * seli_set_float(opt, "eps", 1e-12)). */
#ifndef SELI_OPTIM_H
#define SELI_OPTIM_H

#include "seli/loss.h"
#include "seli/module.h"

typedef struct seli_tensor seli_tensor;

/* opt.SGD: plain gradient descent with learning rate lr. */
seli_module *seli_opt_sgd(double lr);
/* opt.Momentum: classical (heavy ball) momentum with coefficient beta in [0, 1). */
seli_module *seli_opt_momentum(double lr, double beta);
/* opt.Nesterov: Nesterov accelerated gradient, beta in [0, 1). */
seli_module *seli_opt_nesterov(double lr, double beta);
/* opt.RMSProp: gradients scaled by a running root mean square (decay beta, eps 1e-8). */
seli_module *seli_opt_rmsprop(double lr, double beta);
/* opt.AdaGrad: gradients scaled by the root of their accumulated squares (eps 1e-8). */
seli_module *seli_opt_adagrad(double lr);
/* opt.Adam with b1 = 0.9, b2 = 0.999, eps = 1e-8. */
seli_module *seli_opt_adam(double lr);
/* opt.Adam with every setting given. */
seli_module *seli_opt_adam_full(double lr, double b1, double b2, double eps);

/* Nonzero if m is one of the optimizers above. */
int seli_is_optimizer(const seli_module *m);

/* One optimization step: loss(model, n, inputs, ctx), its gradient with
 * respect to every parameter of model it touches, and opt's update of those
 * parameters (untouched parameters stay as they are).  Runs in a scope of its
 * own and returns the loss value.  A loss that depends on no parameter is an
 * error. */
float seli_minimize(seli_module *opt, seli_loss_fn loss, seli_module *model, int n,
                    seli_tensor *const *inputs, void *ctx);

/* seli_minimize with the inputs listed: seli_minimize_v(opt, seli_loss_mse, model, y, x). */
#define seli_minimize_v(opt, loss, model, ...)                                                     \
    seli_minimize((opt), (loss), (model),                                                          \
                  (int)(sizeof((seli_tensor *[]){__VA_ARGS__}) / sizeof(seli_tensor *)),           \
                  (seli_tensor *[]){__VA_ARGS__}, (void *)0)

/* A function of n tensors -> a scalar tensor, for seli_minimize_tensors. */
typedef seli_tensor *(*seli_objective_fn)(seli_tensor *const *params, void *ctx);

/* One step on raw tensors: f(params, ctx) is minimized over the n heap
 * tensors params (made with seli_tensor_new and marked with
 * seli_requires_grad), updated in place; returns f's value.  The state is
 * keyed by position ("0", "1", ...), so pass the same tensors every step. */
float seli_minimize_tensors(seli_module *opt, seli_objective_fn f, int n,
                            seli_tensor *const *params, void *ctx);

#endif
