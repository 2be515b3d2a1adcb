cd /work/main
for round in 4 5 6; do
  if [ $((round % 2)) = 1 ]; then order="single par"; else order="par single"; fi
  for m in $order; do
    echo "round $round $m $(cat /proc/loadavg)"
    nice -n 10 .venv/bin/python /tmp/par/exp.py $m 2
  done
done
