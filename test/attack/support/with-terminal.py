# Runs argv[1:] with a fresh pseudo-terminal as its stdin AND controlling terminal (new session,
# TIOCSCTTY), like a command typed in a person's terminal. Prints the command's stdout; exits with
# its code. Used by the TIOCSTI test: injected input must not reach the caller's terminal.
import fcntl, os, subprocess, sys, termios, pty

master, slave = pty.openpty()

def become_terminal_owner():
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

result = subprocess.run(sys.argv[1:], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        preexec_fn=become_terminal_owner)
sys.stdout.write(result.stdout.decode('utf8', 'replace'))
sys.stderr.write(result.stderr.decode('utf8', 'replace'))
sys.exit(result.returncode if result.returncode >= 0 else 128 - result.returncode)
