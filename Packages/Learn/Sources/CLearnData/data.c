/* The bundled data sets, embedded at compile time with C23 #embed (clang ≥ 19, as in the Swift toolchain). */
#include "clearndata.h"
#include <string.h>

#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char digits_x[] = {
#embed "data/digits_x.npy"
};
static const unsigned char digits_y[] = {
#embed "data/digits_y.npy"
};
static const unsigned char breast_cancer_x[] = {
#embed "data/breast_cancer_x.npy"
};
static const unsigned char breast_cancer_y[] = {
#embed "data/breast_cancer_y.npy"
};
static const unsigned char wine_x[] = {
#embed "data/wine_x.npy"
};
static const unsigned char wine_y[] = {
#embed "data/wine_y.npy"
};
static const unsigned char iris_x[] = {
#embed "data/iris_x.npy"
};
static const unsigned char iris_y[] = {
#embed "data/iris_y.npy"
};

#define ENTRY(n) { #n, n, sizeof n }
static const struct { const char *name; const unsigned char *bytes; size_t size; } table[] = {
    ENTRY(digits_x), ENTRY(digits_y), ENTRY(breast_cancer_x), ENTRY(breast_cancer_y),
    ENTRY(wine_x), ENTRY(wine_y), ENTRY(iris_x), ENTRY(iris_y),
};

const unsigned char *fj_learn_data(const char *name, size_t *size) {
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].name, name) == 0) { *size = table[i].size; return table[i].bytes; }
    }
    *size = 0;
    return NULL;
}
