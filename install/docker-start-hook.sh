#!/bin/sh
# Run by docker-stacks' start.sh before the Jupyter server starts (see
# install/Dockerfile; start.sh sources *.sh hooks, so: no exit, and names of
# our own): gives the user the seli notebooks in ~/seli-notebooks, once.  A
# user's own copy, edited or not, is never overwritten.
seli_dest="/home/${NB_USER:-jovyan}/seli-notebooks"
if [ ! -e "$seli_dest" ] && [ -d /opt/seli/notebooks ]; then
    cp -R /opt/seli/notebooks "$seli_dest"
    if [ "$(id -u)" = 0 ]; then
        chown -R "${NB_UID:-1000}:${NB_GID:-100}" "$seli_dest"
    fi
fi
unset seli_dest
