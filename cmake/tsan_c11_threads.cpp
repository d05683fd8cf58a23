// C11 threads (<threads.h>) over the pthread functions ThreadSanitizer intercepts; linked into
// every program of the TSan build only (EdaobsSanitizers.cmake). librdkafka starts its threads
// with thrd_create and locks with mtx_*/cnd_*; glibc implements these by calling its pthread
// internals directly, so without the shim TSan would see accesses from threads it never saw
// start, ordered by locks it never saw taken, and report races that are not there.
// Definitions in the executable take precedence over glibc's for librdkafka's references.
// glibc lays out mtx_t and cnd_t exactly as pthread_mutex_t and pthread_cond_t (its own
// implementation casts between them), so the casts below are the ones glibc makes.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <memory>

namespace {

struct ThreadStart {
  thrd_start_t function;
  void* argument;
};

void* run_c11_thread(void* start_ptr) {
  const std::unique_ptr<ThreadStart> start(static_cast<ThreadStart*>(start_ptr));
  const int result = start->function(start->argument);
  return reinterpret_cast<void*>(static_cast<std::intptr_t>(result));
}

int to_thrd_status(int pthread_error) noexcept {
  switch (pthread_error) {
    case 0: return thrd_success;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    case ENOMEM: return thrd_nomem;
    default: return thrd_error;
  }
}

pthread_mutex_t* as_pthread(mtx_t* mutex) noexcept { return reinterpret_cast<pthread_mutex_t*>(mutex); }
pthread_cond_t* as_pthread(cnd_t* cond) noexcept { return reinterpret_cast<pthread_cond_t*>(cond); }

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  auto start = std::make_unique<ThreadStart>(ThreadStart{function, argument});
  pthread_t id{};
  const int error = pthread_create(&id, nullptr, run_c11_thread, start.get());
  if (error != 0) return error == EAGAIN ? thrd_nomem : thrd_error;
  start.release();  // the new thread owns it now
  *thread = id;
  return thrd_success;
}

int thrd_join(thrd_t thread, int* result) {
  void* returned = nullptr;
  const int error = pthread_join(thread, &returned);
  if (error != 0) return thrd_error;
  if (result != nullptr) *result = static_cast<int>(reinterpret_cast<std::intptr_t>(returned));
  return thrd_success;
}

int thrd_detach(thrd_t thread) { return to_thrd_status(pthread_detach(thread)); }

int mtx_init(mtx_t* mutex, int type) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  if ((type & mtx_recursive) != 0) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  const int error = pthread_mutex_init(as_pthread(mutex), &attributes);
  pthread_mutexattr_destroy(&attributes);
  return to_thrd_status(error);
}

int mtx_lock(mtx_t* mutex) { return to_thrd_status(pthread_mutex_lock(as_pthread(mutex))); }
int mtx_trylock(mtx_t* mutex) { return to_thrd_status(pthread_mutex_trylock(as_pthread(mutex))); }
int mtx_timedlock(mtx_t* mutex, const struct timespec* deadline) {
  return to_thrd_status(pthread_mutex_timedlock(as_pthread(mutex), deadline));
}
int mtx_unlock(mtx_t* mutex) { return to_thrd_status(pthread_mutex_unlock(as_pthread(mutex))); }
void mtx_destroy(mtx_t* mutex) { pthread_mutex_destroy(as_pthread(mutex)); }

int cnd_init(cnd_t* cond) { return to_thrd_status(pthread_cond_init(as_pthread(cond), nullptr)); }
int cnd_signal(cnd_t* cond) { return to_thrd_status(pthread_cond_signal(as_pthread(cond))); }
int cnd_broadcast(cnd_t* cond) { return to_thrd_status(pthread_cond_broadcast(as_pthread(cond))); }
int cnd_wait(cnd_t* cond, mtx_t* mutex) {
  return to_thrd_status(pthread_cond_wait(as_pthread(cond), as_pthread(mutex)));
}
int cnd_timedwait(cnd_t* cond, mtx_t* mutex, const struct timespec* deadline) {
  return to_thrd_status(pthread_cond_timedwait(as_pthread(cond), as_pthread(mutex), deadline));
}
void cnd_destroy(cnd_t* cond) { pthread_cond_destroy(as_pthread(cond)); }

}  // extern "C"
