/* Threads through the C library: create/join, a contended mutex (normal, recursive,
   error-checking), condition-variable ping-pong, per-thread TLS (__thread) and key destructors,
   a barrier, an rwlock, pthread_once, a spin lock, nanosleep. Prints the same lines on every
   platform; exits 0 only when every check held. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 4
static int failures;
#define CHECK(cond, what) do { if (!(cond)) { printf("FAILED: %s\n", what); failures++; } } while (0)

static void *square(void *arg) { long v = (long)arg; return (void *)(v * v); }

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void *add(void *arg) {
    for (int i = 0; i < 50000; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
    }
    return arg;
}

static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv = PTHREAD_COND_INITIALIZER;
static int turn, turns_taken[2];
static void *player(void *arg) {
    int me = (int)(long)arg;
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&turn_lock);
        while (turn % 2 != me) pthread_cond_wait(&turn_cv, &turn_lock);
        turn++;
        turns_taken[me]++;
        pthread_cond_signal(&turn_cv);
        pthread_mutex_unlock(&turn_lock);
    }
    return NULL;
}

static __thread long tls_value = 7;
static pthread_key_t key;
static int destructed;
static pthread_mutex_t destructed_lock = PTHREAD_MUTEX_INITIALIZER;
static void key_dtor(void *p) {
    pthread_mutex_lock(&destructed_lock);
    destructed += *(int *)p;
    pthread_mutex_unlock(&destructed_lock);
    free(p);
}
static void *tls_worker(void *arg) {
    long id = (long)arg;
    tls_value += id * 100;
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL); /* others run meanwhile: their writes must not reach our tls_value */
    int *p = malloc(sizeof *p);
    *p = (int)id;
    pthread_setspecific(key, p);
    return (void *)tls_value;
}

static pthread_barrier_t barrier;
static int phase_seen[N][3], phase_slot[3][N];
static int serial_count;
static pthread_mutex_t serial_lock = PTHREAD_MUTEX_INITIALIZER;
static void *phased(void *arg) {
    long id = (long)arg;
    for (int ph = 0; ph < 3; ph++) {
        phase_slot[ph][id] = (int)(id + 1) * (ph + 1);
        int r = pthread_barrier_wait(&barrier);
        if (r == PTHREAD_BARRIER_SERIAL_THREAD) {
            pthread_mutex_lock(&serial_lock);
            serial_count++;
            pthread_mutex_unlock(&serial_lock);
        }
        int sum = 0;
        for (int j = 0; j < N; j++) sum += phase_slot[ph][j];
        phase_seen[id][ph] = sum;
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_a, rw_b, rw_torn;
static void *rw_worker(void *arg) {
    long id = (long)arg;
    for (int i = 0; i < 2000; i++) {
        if (id == 0 && i % 4 == 0) {
            pthread_rwlock_wrlock(&rw);
            rw_a++;
            rw_b++;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            if (rw_a != rw_b) rw_torn++;
            pthread_rwlock_unlock(&rw);
        }
    }
    return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void init_once(void) { once_runs++; }
static pthread_spinlock_t spin;
static long spin_counter;
static void *once_and_spin(void *arg) {
    pthread_once(&once, init_once);
    for (int i = 0; i < 20000; i++) {
        pthread_spin_lock(&spin);
        spin_counter++;
        pthread_spin_unlock(&spin);
    }
    return arg;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static void *try_held(void *arg) { (void)arg; return (void *)(long)pthread_mutex_trylock(&held); }

static void run(void *(*f)(void *), void **results) {
    pthread_t t[N];
    for (long i = 0; i < N; i++) CHECK(pthread_create(&t[i], NULL, f, (void *)i) == 0, "pthread_create");
    for (int i = 0; i < N; i++) CHECK(pthread_join(t[i], results ? &results[i] : NULL) == 0, "pthread_join");
}

int main(void) {
    void *res[N];
    run(square, res);
    printf("create/join: %ld %ld %ld %ld\n", (long)res[0], (long)res[1], (long)res[2], (long)res[3]);

    run(add, NULL);
    printf("contended mutex: %ld\n", counter);
    CHECK(counter == N * 50000L, "mutex counter");

    pthread_mutexattr_t ma;
    pthread_mutex_t rec, chk;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&chk, &ma);
    int r1 = pthread_mutex_lock(&rec), r2 = pthread_mutex_lock(&rec);
    int r3 = pthread_mutex_unlock(&rec), r4 = pthread_mutex_unlock(&rec);
    int r5 = pthread_mutex_lock(&chk), r6 = pthread_mutex_lock(&chk);
    int r7 = pthread_mutex_unlock(&chk), r8 = pthread_mutex_unlock(&chk);
    printf("recursive: %d %d %d %d; error-checking: relock %s, unlock unheld %s\n", r1, r2, r3, r4,
           r6 == EDEADLK ? "EDEADLK" : "?", r8 == EPERM ? "EPERM" : "?");
    CHECK(r1 == 0 && r2 == 0 && r3 == 0 && r4 == 0 && r5 == 0 && r7 == 0, "recursive/error-checking");
    pthread_mutex_lock(&held);
    pthread_t other;
    void *tr;
    pthread_create(&other, NULL, try_held, NULL);
    pthread_join(other, &tr);
    pthread_mutex_unlock(&held);
    printf("trylock of a mutex another thread holds: %s\n", (long)tr == EBUSY ? "EBUSY" : "?");

    pthread_t a, b;
    pthread_create(&a, NULL, player, (void *)0L);
    pthread_create(&b, NULL, player, (void *)1L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("condvar ping-pong: %d + %d turns, final %d\n", turns_taken[0], turns_taken[1], turn);

    pthread_key_create(&key, key_dtor);
    run(tls_worker, res);
    printf("thread-local: %ld %ld %ld %ld, main still %ld; key destructors summed %d\n", (long)res[0],
           (long)res[1], (long)res[2], (long)res[3], tls_value, destructed);
    CHECK(destructed == 0 + 1 + 2 + 3, "key destructors");

    pthread_barrier_init(&barrier, NULL, N);
    run(phased, NULL);
    int barrier_ok = 1;
    for (int i = 0; i < N; i++)
        for (int ph = 0; ph < 3; ph++) barrier_ok &= phase_seen[i][ph] == 10 * (ph + 1);
    printf("barrier: 3 phases, %d serial threads, every thread saw every write: %s\n", serial_count,
           barrier_ok ? "yes" : "no");

    run(rw_worker, NULL);
    printf("rwlock: %ld writes, %ld torn reads\n", rw_a, rw_torn);

    pthread_spin_init(&spin, 0);
    run(once_and_spin, NULL);
    printf("once: ran %d time(s); spin lock counter %ld\n", once_runs, spin_counter);
    CHECK(once_runs == 1 && spin_counter == N * 20000L && rw_torn == 0 && barrier_ok && serial_count == 3,
          "once/spin/rwlock/barrier");

    printf("pthread test: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
