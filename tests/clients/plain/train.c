/* train.c: an ordinary C program that uses an installed libseli.
 *
 *     cc train.c $(pkg-config --cflags --libs seli) -o train && ./train fit.svg
 *
 * Fits y = sin(3x) on [-1, 1] with a small MLP and Adam, prints the loss
 * before and after, shows a figure (the default sink writes fit-1.svg) and
 * saves the same figure to the path given. */
#include <seli.h>

#include <stdio.h>

enum { N = 256, STEPS = 1500 };

int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "fit.svg";
    seli_tensor *x = seli_linspace(-1, 1, N);
    seli_tensor *xs = seli_reshape(x, SELI_SHAPE(N, 1));
    seli_tensor *y = seli_reshape(seli_sin(seli_mul_scalar(x, 3)), SELI_SHAPE(N, 1));

    seli_module *model = seli_set_rngs(
        seli_net_sequential(5, seli_net_affine(32), seli_net_tanh(), seli_net_affine(32),
                            seli_net_tanh(), seli_net_affine(1)),
        7);
    seli_module *opt = seli_opt_adam(1e-2);
    float first = 0, last = 0;
    seli_progress *bar = seli_progress_new(STEPS, "training");
    for (int i = 0; i < STEPS; i++) {
        last = seli_minimize_v(opt, seli_loss_mse, model, y, xs);
        if (i == 0)
            first = last;
        seli_progress_postfix(bar, "mse=%.4f", last);
        seli_progress_step(bar);
    }
    seli_progress_close(bar);
    printf("mse first %.5f last %.5f\n", first, last);

    seli_tensor *pred = seli_reshape(seli_detach(seli_call(model, xs)), SELI_SHAPE(N));
    seli_figure *fig = seli_figure_new(5, 3);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_line(ax, x, seli_reshape(y, SELI_SHAPE(N)), &(seli_style){.label = "sin 3x"});
    seli_line(ax, x, pred, &(seli_style){.label = "model", .color = "C1"});
    seli_legend(ax, NULL);
    seli_title(ax, "An MLP fitted by a plain C program");
    seli_set_figure_prefix("fit");
    seli_figure_show(fig);
    seli_figure_save(fig, out);
    seli_figure_free(fig);
    return last < 0.01f && last < first / 10 ? 0 : 1;
}
