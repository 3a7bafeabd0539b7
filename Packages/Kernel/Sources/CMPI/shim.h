/* Open MPI. MPI_COMM_WORLD, MPI_FLOAT, ... are macros taking the address of a global,
 * which Swift cannot import; these inline functions hand them over. */
#include <mpi.h>
static inline MPI_Comm fj_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype fj_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype fj_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype fj_mpi_int(void) { return MPI_INT; }
static inline MPI_Datatype fj_mpi_long(void) { return MPI_LONG; }
static inline MPI_Op fj_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op fj_mpi_max(void) { return MPI_MAX; }
