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

#include <stdlib.h>
#include <time.h>

/* A length allgather that cannot wait forever: every rank sends its value to every other rank (tag `tag`) and
 * polls the receives until all have arrived or `timeout` seconds (MPI_Wtime) have passed. all[r] is rank r's
 * value; on timeout, arrived[r] is 0 for each rank that sent nothing and the result is 1 (0 when all arrived).
 * Polls without sleeping for the first 20 000 rounds (a step's normal wait), then sleeps 100 µs between rounds. */
static inline int fj_mpi_guarded_allgather_long(long mine, long *all, int *arrived, int rank, int size, int tag,
                                                double timeout) {
    MPI_Comm comm = MPI_COMM_WORLD;
    MPI_Request *reqs = (MPI_Request *)malloc(sizeof(MPI_Request) * (size_t)(2 * size));
    if (!reqs) return 2;
    int pending = 0;
    for (int r = 0; r < size; r++) {
        arrived[r] = r == rank;
        all[r] = r == rank ? mine : 0;
        reqs[r] = MPI_REQUEST_NULL;
        reqs[size + r] = MPI_REQUEST_NULL;
        if (r == rank) continue;
        MPI_Irecv(&all[r], 1, MPI_LONG, r, tag, comm, &reqs[r]);
        MPI_Isend(&mine, 1, MPI_LONG, r, tag, comm, &reqs[size + r]);
        pending++;
    }
    double deadline = MPI_Wtime() + timeout;
    long rounds = 0;
    while (pending > 0) {
        for (int r = 0; r < size; r++) {
            if (arrived[r]) continue;
            int flag = 0;
            MPI_Test(&reqs[r], &flag, MPI_STATUS_IGNORE);
            if (flag) { arrived[r] = 1; pending--; }
        }
        if (pending == 0) break;
        if (MPI_Wtime() > deadline) { free(reqs); return 1; }
        if (++rounds > 20000) {
            struct timespec pause = {0, 100000};
            nanosleep(&pause, NULL);
        }
    }
    MPI_Waitall(size, reqs + size, MPI_STATUSES_IGNORE); /* our sends: each receiver has posted its receive */
    free(reqs);
    return 0;
}
