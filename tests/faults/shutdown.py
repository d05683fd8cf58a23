"""Bounded shutdown (faults.py: shutdown_broker_down): SIGTERM must end every agent within its
shutdown deadline even when nothing can finish in time — with the broker gone (the consumer's
close cannot commit or leave its group, the producers cannot flush) and with stderr a full pipe
nobody reads (every log write blocks). Each agent must exit 0 (the orderly stop made it) or 124
(the deadline passed, as documented), and by the deadline. Afterwards the broker is started
again and the chain restarted on the same groups: an exit by the deadline must not have lost
an acknowledged event either."""
import fcntl
import os
import signal
import subprocess
import time

from faultlib import Chain, Load, all_ready, e2e, kill_stack_component, outcome, settle, stack_up

BASE_PORT = 18980
SHUTDOWN_DEADLINE_S = 8.0
# What the exit may take beyond the deadline: the watchdog's last log line and _exit, and the
# kernel reaping a process with a few hundred MiB mapped, seen from here.
EXIT_SLACK_S = 1.5
ALLOWED_CODES = (0, 124)
DEADLINE_ENV = {"EDAOBS_SHUTDOWN_TIMEOUT": f"{int(SHUTDOWN_DEADLINE_S)}s"}
# The smallest pipe the kernel gives (one page): a few log lines fill it.
PIPE_BYTES = 4096


def full_pipe():
    """A pipe with not one byte free, its write end blocking: (read end, write end)."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    try:
        while True:
            os.write(write_end, b"x" * 64)
    except BlockingIOError:
        pass
    # The agent gets the same open file: back to blocking, as a real stderr pipe is.
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags)
    return read_end, write_end


def exit_check(what, code, seconds, violations):
    if code not in ALLOWED_CODES:
        violations.append(f"{what}: exit code {code} after SIGTERM (expected one of {ALLOWED_CODES})")
    if seconds > SHUTDOWN_DEADLINE_S + EXIT_SLACK_S:
        violations.append(f"{what}: exited {seconds:.1f} s after SIGTERM (deadline {SHUTDOWN_DEADLINE_S} s)")
    return {"exit_code": code, "exit_s": round(seconds, 2)}


def full_stderr_pipe(chain, violations):
    """An extra enricher instance whose stderr (where its logs go) is a full pipe nobody reads:
    every write to it blocks. It must still process, and exit by the deadline on SIGTERM."""
    read_end, write_end = full_pipe()
    chain.extra_env["enricher"] = {**DEADLINE_ENV, "EDAOBS_LOG_OUTPUT": None}  # None: logs to stderr
    try:
        name = chain.spawn("enricher", instance=2, stderr=write_end)
    finally:
        chain.extra_env["enricher"] = dict(DEADLINE_ENV)
        os.close(write_end)
    try:
        chain.wait_ready(name, timeout=60)
        e2e.wait_for(f"{name} processing with a full stderr",
                     lambda: chain.metric_sum(name, "events_processed_total") >= 5, timeout=60, interval=0.2)
        code, seconds = chain.terminate(name, timeout=SHUTDOWN_DEADLINE_S + 5)
    finally:
        os.close(read_end)
    return exit_check(f"{name} (stderr a full pipe)", code, seconds, violations)


def sigterm_with_broker_down(chain, violations):
    """Kafka killed (-9); once every agent says not ready, SIGTERM them all at once."""
    kill_stack_component("kafka")
    e2e.wait_for("every agent not ready with the broker down",
                 lambda: not any(chain._ready(n) for n in chain.agents), timeout=60, interval=0.2)
    started = time.monotonic()
    for name in chain.agents:
        chain.procs[name].send_signal(signal.SIGTERM)
    exits = {}
    for name in chain.agents:
        left = SHUTDOWN_DEADLINE_S + 20 - (time.monotonic() - started)
        try:
            code = chain.procs[name].wait(timeout=max(left, 0.1))
        except subprocess.TimeoutExpired:  # it hung: kill it so the scenario can go on
            chain.procs[name].kill()
            chain.procs[name].wait()
            code = None
        exits[name] = exit_check(f"{name} (broker down)", code, time.monotonic() - started, violations)
    return exits


def restart_chain(chain):
    """The three agents again on the same groups (the broker is back); seconds to ready."""
    back = time.monotonic()
    for name in chain.agents:
        chain.spawn(name)
    e2e.wait_for("every agent ready after the restart", lambda: all_ready(chain), timeout=90, interval=0.2)
    return time.monotonic() - back


def shutdown_broker_down(args):
    chain = Chain(base_port=BASE_PORT, extra_env={n: dict(DEADLINE_ENV) for n in ("publisher", "enricher", "recorder")})
    chain.start()
    violations = []
    try:
        with Load(chain, args.rate) as load:
            pipe = full_stderr_pipe(chain, violations)
            try:
                exits = sigterm_with_broker_down(chain, violations)
            finally:
                stack_up()  # whatever happened, the tests after this one need the broker
        ready_s = restart_chain(chain)
        settle(chain, load.acknowledged)
        return outcome("shutdown_broker_down", chain, load, recovery_s=round(ready_s, 1),
                       deadline_s=SHUTDOWN_DEADLINE_S, stderr_pipe_full=pipe, broker_down=exits,
                       violations=violations, logs=chain.logdir)
    finally:
        chain.stop()
