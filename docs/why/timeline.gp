# bench/why.py: cd to this directory and run gnuplot timeline.gp
if (!exists("png")) png = "timeline.png"
set terminal pngcairo noenhanced size 960,540 font "DejaVu Sans,11"
set output png
set datafile separator ","
set datafile columnheaders
set grid
set title "pynamic-mode-dlopen --trace, demo tree: the import (61.3 ms, the median run of 9)"
set xlabel "milliseconds since the import began"
set yrange [0.4:4.7]
unset key
set ytics ("dlopen calls" 1, "search (x: failed probe)" 2, "map" 3, "relocate + init" 4)
set style fill solid 1.0 noborder
set label "map: dependency lists: 3.5 ms" at 3.4978129999999985, 3.42 left front
set label "relocate + init: 49.9 ms" at 7.043547000000003, 4.42 left front
plot "timeline.csv" using ($4+$5)/2:1:4:5:($1-0.3):($1+0.3):6 with boxxyerror lc rgb variable, "" using (strcol(2) eq "probe" ? $4 : NaN):1 with points pt 2 ps 0.8 lc rgb "black"
