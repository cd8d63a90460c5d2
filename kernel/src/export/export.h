/* export.h: `seli-kernel export NOTEBOOK.ipynb [-o FILE.c]`, a notebook
 * written as one standalone C program (see export.c). */
#ifndef SELI_KERNEL_EXPORT_H
#define SELI_KERNEL_EXPORT_H

/* Run the subcommand: argv[0] is "export", then the notebook and options.
 * Returns the process's exit status (0: the file is written; 1: the
 * notebook does not compile, nothing is written; 2: bad arguments). */
int export_main(int argc, char **argv);

#endif
