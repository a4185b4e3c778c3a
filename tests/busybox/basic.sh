# Busybox sh as init on Tessera: applets, pipelines, redirections, command
# substitution, subshells, cd, test, arithmetic.  tests/86-busybox.sh
# compares every line with basic.out (what the host's busybox prints) and
# expects the run's status to be 5 (the last line).
echo "start: $0 $#"
echo "env: HOME=$HOME PATH=$PATH TERM=$TERM PS1=[$PS1]"

# Pipelines of several applets
echo "pipe: $(seq 1 1000 | grep 7 | wc -l)"
seq 1 20 | sort -rn | head -3 | tr '\n' ' '; echo
printf 'b\na\nc\na\n' | sort | uniq -c | sed 's/^ *//' | tr '\n' ';'; echo
echo "hello world foo" | awk '{ print $2, NF }'
echo "a:b:c" | cut -d: -f2
seq 1 5 | tac | xargs echo "xargs:"
false | true; echo "pipe status: $?"
true | false; echo "pipe status: $?"
! false; echo "negated: $?"

# Redirections: the archive is read-only, so files are read and /dev/null written
echo "to null" > /dev/null; echo "> /dev/null: $?"
echo "append null" >> /dev/null; echo ">> /dev/null: $?"
read -r first < /t/data.txt; echo "< file: $first"
wc -l < /t/data.txt
cat /t/data.txt | head -n 2 | tail -n 1
ls /t/missing 2>&1 | sed 's/^ls: //'
{ echo "to stderr" >&2; } 2>&1 | sed 's/^/stderr through 2>\&1: /'
exec 3>&1
echo "via fd 3" >&3
exec 3>&-
cat <<END
here-doc: $HOME $((1 + 2))
  indented line
END
cat <<'END'
quoted here-doc: $HOME $((1 + 2))
END
tr a-z A-Z <<-END
	tab-stripped here-doc
	END
while read -r a b; do echo "read: $a/$b"; done <<END
1 one
2 two
END

# Command substitution and subshells
n=$(echo $(echo nested) sub)
echo "subst: $n"
echo "backquotes: `echo old style`"
x=outer
(x=inner; echo "subshell: $x"; exit 3); echo "subshell status: $? x=$x"
(cd /t && pwd); pwd
{ x=group; }; echo "group: $x"
v=$(exit 4); echo "subst status: $?"
lines=$(seq 1 3)
echo "multiline: $lines" | wc -l

# cd and pwd
cd /bin && echo "cd: $(pwd)"
cd .. && echo "cd ..: $(pwd) $PWD"
cd /t/../musl/bin && pwd
cd /nonexistent 2>/dev/null || echo "cd fails: $?"
cd /t; echo "relative: $(cat data.txt | wc -l)"; cd /

# test and [
[ -f /bin/busybox ] && echo "test -f busybox"
[ -d /bin ] && echo "test -d /bin"
[ -x /bin/hello ] && echo "test -x hello"
[ -e /nonexistent ] || echo "test -e missing: false"
[ -L /bin/sh ] && echo "test -L /bin/sh"
[ -s /t/data.txt ] && echo "test -s data.txt"
test "abc" = "abc" && echo "test string ="
[ "abc" != "abd" ] && echo "test string !="
[ 3 -lt 10 ] && [ 10 -ge 10 ] && echo "test numbers"
[ -z "" ] && [ -n "x" ] && echo "test -z -n"
[ 1 -eq 2 ]; echo "test false: $?"

# Arithmetic
i=7
echo "arith: $((i * 6)) $((i / 2)) $((i % 4)) $((-i + 1)) $((1 << 10)) $((0x10 + 010))"
echo "arith: $((i > 3 && i < 10)) $((i == 7 ? 100 : 200))"
: $((i += 5)); echo "arith +=: $i"
sum=0; for k in $(seq 1 100); do sum=$((sum + k)); done; echo "sum 1..100: $sum"
echo "expr: $(expr 6 \* 7) $(expr length hello)"

# Functions, case, loops, variables
f() { echo "f: $# args, first $1, status $2"; return 6; }
f a 0; echo "f returned $?"
for w in apple banana cherry; do
	case $w in
	a*) echo "case: $w starts with a" ;;
	*an*) echo "case: $w has an" ;;
	*) echo "case: $w other" ;;
	esac
done
c=0; while [ $c -lt 5 ]; do c=$((c + 1)); [ $c = 3 ] && continue; echo -n "$c "; done; echo
c=0; until [ $c -ge 3 ]; do c=$((c + 1)); done; echo "until: $c"
s="a b  c"; set -- $s; echo "set --: $# $2"
echo "length: ${#s} ${s%% *} ${s#* } ${undefined:-default}"
v=${unset_var:=assigned}; echo "assign default: $v $unset_var"
echo "basename: $(basename /a/b/c.txt .txt) dirname: $(dirname /a/b/c.txt)"
echo "printf: $(printf '%05d|%-4s|%x' 42 ab 255)"

# Applets run from the archive (through the /bin symlinks)
ls /bin | grep -E '^(busybox|hello|sh)$' | tr '\n' ' '; echo; ls -l /bin/sh | sed 's/.* -> /sh -> /'
cat /t/data.txt | md5sum | cut -d' ' -f1
echo "uname: $(uname -s)"
echo "true/false: $(true; echo $?) $(false; echo $?)"
/bin/hello
/bin/busybox echo "busybox echo"
command -v seq
type cd | sed 's/ is .*//'

echo "end"
exit 5
