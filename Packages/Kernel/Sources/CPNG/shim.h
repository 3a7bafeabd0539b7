/* libpng 1.6, used only through the simplified write API (png_image_*). */
#include <png.h>
