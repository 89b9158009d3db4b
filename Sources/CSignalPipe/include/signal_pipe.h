// Signals turned into bytes on a pipe, so that an event loop can wait for them with poll(2)
// and handle them on its own thread: nothing but write(2) runs in the handler.
#ifndef PEERDEX_SIGNAL_PIPE_H
#define PEERDEX_SIGNAL_PIPE_H

/// Creates the pipe (once per process) and returns its read end, non-blocking; -1 on failure.
int peerdex_signal_pipe_open(void);

/// Catches `signo`: each delivery writes the signal number as one byte to the pipe. With
/// `force_after` > 0, that many deliveries not yet drained restore the default action and
/// re-raise the signal, so that a loop that stopped reading can still be killed.
/// Returns 0, or -1 with errno set.
int peerdex_signal_pipe_catch(int signo, int force_after);

/// Marks the deliveries of `signo` so far as handled (resets the count for `force_after`).
void peerdex_signal_pipe_handled(int signo);

/// Restores the default action of `signo`.
void peerdex_signal_pipe_release(int signo);

#endif
