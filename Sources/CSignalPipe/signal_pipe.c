#include "signal_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define PEERDEX_MAX_SIGNAL 65

static int pipe_fds[2] = {-1, -1};
static volatile sig_atomic_t pending[PEERDEX_MAX_SIGNAL];
static volatile sig_atomic_t force_limits[PEERDEX_MAX_SIGNAL];

static void on_signal(int signo) {
    int saved = errno;
    if (signo > 0 && signo < PEERDEX_MAX_SIGNAL) {
        pending[signo] += 1;
        if (force_limits[signo] > 0 && pending[signo] >= force_limits[signo]) {
            signal(signo, SIG_DFL);
            raise(signo);
        }
    }
    unsigned char byte = (unsigned char)signo;
    // A full pipe (a loop far behind) loses the byte, not the signal's effect: the loop reads
    // whatever is there and the count above still forces the default action.
    (void)write(pipe_fds[1], &byte, 1);
    errno = saved;
}

int peerdex_signal_pipe_open(void) {
    if (pipe_fds[0] >= 0) return pipe_fds[0];
    int fds[2];
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    pipe_fds[0] = fds[0];
    pipe_fds[1] = fds[1];
    return pipe_fds[0];
}

int peerdex_signal_pipe_catch(int signo, int force_after) {
    if (signo <= 0 || signo >= PEERDEX_MAX_SIGNAL || pipe_fds[1] < 0) {
        errno = EINVAL;
        return -1;
    }
    pending[signo] = 0;
    force_limits[signo] = force_after;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(signo, &action, NULL);
}

void peerdex_signal_pipe_handled(int signo) {
    if (signo > 0 && signo < PEERDEX_MAX_SIGNAL) pending[signo] = 0;
}

void peerdex_signal_pipe_release(int signo) {
    signal(signo, SIG_DFL);
}
