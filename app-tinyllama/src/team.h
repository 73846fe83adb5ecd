/* team: -j N, the calling thread plus N-1 worker threads (pthreads) that split a loop of n items into chunks
 * of contiguous items: each thread takes the chunks of its own contiguous part in order, then helps with the
 * chunks the others have not taken yet, and the threads wait for each other at the loop's end. Each item is computed by exactly the code a single thread would run, so results do not depend on N or
 * on which thread took which chunk. */
#ifndef TINYLLAMA_TEAM_H
#define TINYLLAMA_TEAM_H

/* Work on items [begin, end) of a loop; `ctx` is the loop's state. */
typedef void (*RangeFn)(void *ctx, int begin, int end);

typedef struct Team Team;

/* Start a team of n threads (1 <= n <= 64; n - 1 are created). Returns NULL after printing one line on stderr
 * when a thread cannot be created. */
Team *team_start(int n);

/* fn(ctx, b, e) over [0, items) split across the team; returns when every chunk is done. */
void team_run(Team *t, RangeFn fn, void *ctx, int items);

/* Stop and join the worker threads and free the team (NULL is fine). */
void team_stop(Team *t);

#endif
