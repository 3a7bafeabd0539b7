/* The bundled real data sets as .npy bytes compiled into the library (see data/ and Tools/make-learn-data.py).
 * Credit: UCI Machine Learning Repository, CC BY 4.0 — digits (Alpaydin & Kaynak 1998), Wisconsin breast
 * cancer, wine, Fisher's iris; plain-text copies as shipped by scikit-learn 1.9.1. */
#ifndef FJORD_CLEARNDATA_H
#define FJORD_CLEARNDATA_H
#include <stddef.h>

/* Returns the bytes of the named .npy file ("digits_x", "digits_y", "iris_x", …) and stores its size,
 * or returns NULL for an unknown name. */
const unsigned char *fj_learn_data(const char *name, size_t *size);

#endif
