# Busybox sh as init on Tessera: background jobs, wait, kill, traps, many
# forks.  tests/86-busybox.sh compares every line with jobs.out (what the
# host's busybox prints) and expects the run's status to be 0, with the
# EXIT trap's line last.
trap 'echo "trap EXIT: status $?"' EXIT
echo "start"

# & and wait
sleep 1 &
p=$!
wait $p; echo "wait sleep: $?"
(exit 7) &
wait $!; echo "wait (exit 7): $?"
{ for i in 3 2 1; do (sleep 0.$i; echo "bg $i done") & done; wait; } | sort
echo "waited for all"
sh -c 'exit 9' & q=$!
wait $q; echo "wait sh -c exit 9: $?"

# kill and the status of a killed job
sleep 100 &
p=$!
kill $p
wait $p; echo "killed with TERM: $?"
sleep 100 &
p=$!
kill -9 $p
wait $p; echo "killed with KILL: $?"
sleep 100 &
p=$!
# (not INT: a background job ignores SIGINT and SIGQUIT, once its shell
# got to it after the fork)
kill -s HUP $p; wait $p; echo "killed with HUP: $?"
kill -0 $$ && echo "kill -0 self: ok"
kill -0 99999 2>/dev/null || echo "kill -0 missing: fails"

# Traps on signals sent with kill
trap 'echo "trap USR1"' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo "trap TERM caught"' TERM
kill -TERM $$
echo "after TERM"
trap - USR1
trap '' USR2
kill -USR2 $$
echo "USR2 ignored"
(trap 'echo "subshell trap EXIT"' EXIT; echo "in subshell")
sh -c 'trap "echo child HUP; exit 3" HUP; kill -HUP $$; echo not reached'
echo "child trap status: $?"
sh -c 'kill -9 $$'; echo "child killed itself: $?"

# Many processes: forks and short-lived children
n=0
for i in $(seq 1 200); do
	/bin/true && n=$((n + 1))
done
echo "200 forks of true: $n"
n=0
for i in $(seq 1 50); do
	v=$(echo $i) && [ "$v" = "$i" ] && n=$((n + 1))
done
echo "50 command substitutions: $n"
seq 1 30 | while read -r l; do echo "$l"; done | wc -l
(sleep 1; echo "late job") & echo "job started"
wait

# The shell's process identity
[ "$$" = "$(sh -c 'echo $PPID')" ] && echo "child's PPID is \$\$"
[ "$$" != "$(sh -c 'echo $$')" ] && echo "child has its own pid"
echo "end"
