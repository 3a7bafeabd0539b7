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
#include <string.h>
#include <time.h>

/* An allgather that cannot wait forever, point to point: this rank sends its `sendlen` bytes to every other rank
 * (tag `tag`) and receives rank r's recvlen[r] bytes at recvbuf + displ[r] (its own block is copied there), polling
 * every request until all have completed or `timeout` seconds (MPI_Wtime) have passed. Each rank sends its block
 * once to each peer, as a ring allgather does, so the bytes on the wire are the same.
 * Returns 0 when all completed; 1 on timeout, with ok[r] = 0 for each peer whose block did not arrive or that did
 * not take ours; 2 when a length exceeds MPI's int count or memory for the requests is lacking.
 * Polls without sleeping for the first 20 000 rounds (a step's normal wait), then sleeps 100 µs between rounds. */
static inline int fj_mpi_guarded_allgather(const void *sendbuf, long sendlen, void *recvbuf, const long *recvlen,
                                           const long *displ, int rank, int size, int tag, double timeout, int *ok) {
    MPI_Comm comm = MPI_COMM_WORLD;
    if (sendlen > 2147483647L) return 2;
    MPI_Request *reqs = (MPI_Request *)malloc(sizeof(MPI_Request) * (size_t)(2 * size));
    int *done = (int *)malloc(sizeof(int) * (size_t)(2 * size));
    if (!reqs || !done) { free(reqs); free(done); return 2; }
    int pending = 0;
    for (int r = 0; r < size; r++) {
        ok[r] = 1;
        done[r] = done[size + r] = 1;
        reqs[r] = reqs[size + r] = MPI_REQUEST_NULL;
        if (r == rank) {
            if (sendlen > 0) memcpy((char *)recvbuf + displ[r], sendbuf, (size_t)sendlen);
            continue;
        }
        if (recvlen[r] > 2147483647L) { free(reqs); free(done); return 2; }
        MPI_Irecv((char *)recvbuf + displ[r], (int)recvlen[r], MPI_BYTE, r, tag, comm, &reqs[r]);
        MPI_Isend(sendbuf, (int)sendlen, MPI_BYTE, r, tag, comm, &reqs[size + r]);
        done[r] = done[size + r] = 0;
        pending += 2;
    }
    double deadline = MPI_Wtime() + timeout;
    long rounds = 0;
    int status = 0;
    while (pending > 0) {
        for (int k = 0; k < 2 * size; k++) {
            if (done[k]) continue;
            int flag = 0;
            MPI_Test(&reqs[k], &flag, MPI_STATUS_IGNORE);
            if (flag) { done[k] = 1; pending--; }
        }
        if (pending == 0) break;
        if (MPI_Wtime() > deadline) {
            for (int r = 0; r < size; r++) ok[r] = done[r] && done[size + r];
            status = 1;
            break;
        }
        if (++rounds > 20000) {
            struct timespec pause = {0, 100000};
            nanosleep(&pause, NULL);
        }
    }
    free(reqs);
    free(done);
    return status;
}
