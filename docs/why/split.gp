# bench/why.py: cd to this directory and run gnuplot split.gp
if (!exists("png")) png = "split.png"
set terminal pngcairo noenhanced size 960,540 font "DejaVu Sans,11"
set output png
set datafile separator ","
set datafile columnheaders
set grid
set terminal pngcairo noenhanced size 1200,560 font "DejaVu Sans,10"
set output png
set style data histograms
set style histogram rowstacked
set style fill solid border -1
set boxwidth 0.7
set ylabel "milliseconds (median)"
set yrange [0:*]
set multiplot
set bmargin at screen 0.17
set tmargin at screen 0.9
unset key
set lmargin at screen 0.06
set rmargin at screen 0.37
set title "demo: 100 libraries (50 utilities, 50 modules)"
plot "split.csv" every ::0::5 using (valid(4) ? $4*1e3 : 0):xtic((strcol(2) eq "python-linked" ? "python-\nlinked" : strcol(2))."\n".strcol(3)) title "search" lc rgb "#1f77b4", "split.csv" every ::0::5 using (valid(5) ? $5*1e3 : 0) title "map" lc rgb "#ff7f0e", "split.csv" every ::0::5 using (valid(6) ? $6*1e3 : 0) title "relocate (+ init in a dlopen)" lc rgb "#d62728", "split.csv" every ::0::5 using (valid(7) ? $7*1e3 : 0) title "init (start-up)" lc rgb "#9467bd", "split.csv" every ::0::5 using (valid(8) ? $8*1e3 : 0) title "interpreter (Python modes)" lc rgb "#2ca02c", "split.csv" every ::0::5 using (valid(9) ? $9*1e3 : 0) title "rest of the import" lc rgb "#bbbbbb"
set key at screen 0.78, screen 0.9 left top reverse Left title "medians of the runs"
set lmargin at screen 0.44
set rmargin at screen 0.75
set title "large: 300 libraries (150 utilities, 150 modules)"
plot "split.csv" every ::6::11 using (valid(4) ? $4*1e3 : 0):xtic((strcol(2) eq "python-linked" ? "python-\nlinked" : strcol(2))."\n".strcol(3)) title "search" lc rgb "#1f77b4", "split.csv" every ::6::11 using (valid(5) ? $5*1e3 : 0) title "map" lc rgb "#ff7f0e", "split.csv" every ::6::11 using (valid(6) ? $6*1e3 : 0) title "relocate (+ init in a dlopen)" lc rgb "#d62728", "split.csv" every ::6::11 using (valid(7) ? $7*1e3 : 0) title "init (start-up)" lc rgb "#9467bd", "split.csv" every ::6::11 using (valid(8) ? $8*1e3 : 0) title "interpreter (Python modes)" lc rgb "#2ca02c", "split.csv" every ::6::11 using (valid(9) ? $9*1e3 : 0) title "rest of the import" lc rgb "#bbbbbb"
unset multiplot
