# Sourced by the build benchmarks (bench/build-bench.sh, bench/scale.sh), which set RUNS and
# WORK. `stats "label" cmd...` runs cmd RUNS times (its output goes to $WORK/log, shown when it
# fails) and prints the median, min and max wall time and the median peak RSS; the median
# time goes to $WORK/last. LABEL_WIDTH sets the label's column (default 34).
stats() {
  local label=$1; shift
  local t=() m=() line
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/timing" "$@" > "$WORK/log" 2>&1 || { cat "$WORK/log" >&2; echo "failed: $*" >&2; exit 1; }
    line=$(tail -1 "$WORK/timing")
    t+=("${line% *}"); m+=("${line#* }")
  done
  printf '%s\n' "${t[@]}" | sort -n > "$WORK/t"; printf '%s\n' "${m[@]}" | sort -n > "$WORK/m"
  local mid=$(( (RUNS + 1) / 2 ))
  printf "%-${LABEL_WIDTH:-34}s median %7.2f s  (min %.2f, max %.2f)  peak RSS %5d MB\n" "$label" \
    "$(sed -n "${mid}p" "$WORK/t")" "$(head -1 "$WORK/t")" "$(tail -1 "$WORK/t")" $(( $(sed -n "${mid}p" "$WORK/m") / 1024 ))
  sed -n "${mid}p" "$WORK/t" > "$WORK/last"
}
